/* SPDX-License-Identifier: ISC */
/* Folder walks the unit tests share (helper_files.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper_files.h"

cs_err helper_list_suffix(const char *folder, const char *suffix, cs_file_list *out)
{
    size_t kept = 0, suffix_len = strlen(suffix);
    cs_err err = cs_file_list_folder(folder, 0, out);

    if (err != CS_OK)
        return err;
    for (size_t i = 0; i < out->count; i++) {
        const char *path = out->paths[i];
        size_t len = strlen(path);
        if (len > suffix_len && strcmp(path + len - suffix_len, suffix) == 0)
            out->paths[kept++] = out->paths[i];
        else
            free(out->paths[i]);
    }
    out->count = kept;
    return CS_OK;
}

int helper_remove_dir(const char *folder)
{
    DIR *d = opendir(folder);
    struct dirent *entry;

    while (d != NULL && (entry = readdir(d)) != NULL) {
        char path[1024];
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", folder, entry->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    return rmdir(folder);
}
