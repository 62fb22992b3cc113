/* SPDX-License-Identifier: ISC */
/* Folder walks the unit tests share: the library's sorted lister with a
 * name filter, and the removal of a flat temporary folder. */
#ifndef HELPER_FILES_H
#define HELPER_FILES_H

#include "certseal/file.h"

/* cs_file_list_folder() keeping only the names that end in suffix, so
 * that test data is read in the same order everywhere. */
CS_MUST_CHECK cs_err helper_list_suffix(const char *folder, const char *suffix, cs_file_list *out);

/* Removes every entry of a flat folder (dot-files too), then the folder;
 * 0 when the folder is gone. */
int helper_remove_dir(const char *folder);

#endif
