/* SPDX-License-Identifier: ISC */
/* The status list cache folder (certseal/fetch.h): where it is by default
 * and whether it is ours alone.  Needs no libcurl, so it is in the verifying
 * core; fetching itself is pkg/fetch.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/fetch.h"
#include "internal.h"

/* What is wrong with one entry of the cache folder, or NULL. */
static const char *entry_problem(const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return "a symbolic link";
    if (S_ISFIFO(st->st_mode))
        return "a FIFO";
    if (S_ISDIR(st->st_mode))
        return "a folder";
    if (!S_ISREG(st->st_mode))
        return "a device or socket";
    if (st->st_uid != geteuid())
        return "a file owned by another user";
    return NULL;
}

cs_err cs_fetch_cache_check(const char *dir, char *detail, size_t detail_size)
{
    struct stat st;
    struct dirent *entry;
    DIR *folder;
    cs_err err = CS_OK;

    if (dir == NULL || dir[0] == '\0')
        return CS_ERR_ARGUMENT;
    if (lstat(dir, &st) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE, "cannot be examined: %s",
                              strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE,
                              S_ISLNK(st.st_mode) ? "is a symbolic link, not a folder"
                                                  : "is not a folder");
    if (st.st_uid != geteuid())
        return cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE,
                              "belongs to another user (uid %lu)", (unsigned long)st.st_uid);
    if ((st.st_mode & 077) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE,
                              "has mode %03o, so others could change what it holds",
                              (unsigned)(st.st_mode & 0777));
    if ((folder = opendir(dir)) == NULL)
        return cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE, "cannot be listed: %s",
                              strerror(errno));
    while (err == CS_OK && (entry = readdir(folder)) != NULL) {
        const char *problem;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd(folder), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            err = cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE,
                                 "holds %.64s, which cannot be examined: %s", entry->d_name,
                                 strerror(errno));
        else if ((problem = entry_problem(&st)) != NULL)
            err = cs_detail_fail(detail, detail_size, CS_ERR_FETCH_CACHE,
                                 "holds %.64s, %s, which certseal never writes", entry->d_name,
                                 problem);
    }
    closedir(folder);
    return err;
}

cs_err cs_fetch_default_cache_dir(char **out)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    const char *base, *suffix;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (xdg != NULL && xdg[0] == '/') /* the XDG spec ignores relative paths */
        base = xdg, suffix = "/certseal";
    else if (home != NULL && home[0] == '/')
        base = home, suffix = "/.cache/certseal";
    else
        return CS_ERR_ARGUMENT;
    size_t size = strlen(base) + strlen(suffix) + 1;
    if ((*out = malloc(size)) == NULL)
        return CS_ERR_NO_MEMORY;
    snprintf(*out, size, "%s%s", base, suffix);
    return CS_OK;
}
