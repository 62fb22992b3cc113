/* SPDX-License-Identifier: ISC */
/* cs_strerror() and friends, generated from CS_ERROR_LIST. */
#include <stdarg.h>
#include <stdio.h>

#include "certseal/error.h"
#include "internal.h"

const char *cs_err_detail(const char *detail, cs_err err)
{
    return detail != NULL && detail[0] != '\0' ? detail : cs_strerror(err);
}

const char *cs_strerror(cs_err err)
{
    switch (err) {
#define CS_ERROR_MESSAGE_CASE(name, value, message)                                                \
    case name:                                                                                     \
        return message;
        CS_ERROR_LIST(CS_ERROR_MESSAGE_CASE)
#undef CS_ERROR_MESSAGE_CASE
    }
    return "unknown error";
}

const char *cs_err_name(cs_err err)
{
    switch (err) {
#define CS_ERROR_NAME_CASE(name, value, message)                                                   \
    case name:                                                                                     \
        return #name;
        CS_ERROR_LIST(CS_ERROR_NAME_CASE)
#undef CS_ERROR_NAME_CASE
    }
    return "CS_ERR_UNKNOWN";
}

cs_err_class cs_err_class_of(cs_err err)
{
    return (cs_err_class)(((int)err / 100) * 100);
}

static void detail_vset(char *detail, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void detail_vset(char *detail, size_t size, const char *fmt, va_list ap)
{
    if (detail != NULL && size > 0)
        vsnprintf(detail, size, fmt, ap);
}

void cs_detail_set(char *detail, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    detail_vset(detail, size, fmt, ap);
    va_end(ap);
}

cs_err cs_detail_fail(char *detail, size_t size, cs_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    detail_vset(detail, size, fmt, ap);
    va_end(ap);
    return err;
}
