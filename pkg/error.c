/* SPDX-License-Identifier: ISC */
/* cs_strerror() and friends, generated from CS_ERROR_LIST. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* ---- detail strings --------------------------------------------------------- */

/* A detail being written: at most size - 1 bytes, cut silently like
 * snprintf. */
typedef struct detail_out {
    char *buf;
    size_t size, len;
} detail_out;

static void detail_put(detail_out *o, const char *s, size_t n)
{
    size_t room = o->size - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void detail_put_unsigned(detail_out *o, unsigned long long value)
{
    char digits[24];
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    detail_put(o, digits + i, sizeof(digits) - i);
}

/* "%.N" or "%.*" before an s: the most bytes to take (SIZE_MAX: no
 * precision); false for anything else, which is left to vsnprintf. */
static bool detail_precision(const char **f, va_list *ap, size_t *precision)
{
    *precision = SIZE_MAX;
    if (**f != '.')
        return true;
    (*f)++;
    if (**f == '*') {
        int p = va_arg(*ap, int);
        (*f)++;
        if (p >= 0)
            *precision = (size_t)p;
    } else {
        size_t p = 0, digits = 0;
        for (; **f >= '0' && **f <= '9' && digits < 6; (*f)++, digits++)
            p = p * 10 + (size_t)(**f - '0');
        if (digits == 0 || digits == 6)
            return false;
        *precision = p;
    }
    return **f == 's';
}

/*
 * The conversions details use, written directly: %s (with a precision:
 * %.Ns, %.*s), %d, %zu, %llu and %%.  A verification writes a detail for
 * each of its checks, and vsnprintf's set-up costs more than the copying.
 * False at the first other conversion, with the arguments before it
 * consumed; the caller then formats the whole detail again with vsnprintf.
 */
static bool detail_format_common(detail_out *o, const char *fmt, va_list *ap)
{
    const char *f = fmt;
    size_t precision;

    while (*f != '\0') {
        const char *percent = strchr(f, '%');
        if (percent == NULL) {
            detail_put(o, f, strlen(f));
            break;
        }
        detail_put(o, f, (size_t)(percent - f));
        f = percent + 1;
        if (!detail_precision(&f, ap, &precision))
            return false;
        if (*f == '%') {
            detail_put(o, "%", 1);
            f += 1;
        } else if (*f == 's') {
            const char *text = va_arg(*ap, const char *);
            if (text == NULL)
                text = "(null)"; /* as glibc prints it */
            detail_put(o, text, strnlen(text, precision));
            f += 1;
        } else if (*f == 'd') {
            int value = va_arg(*ap, int);
            if (value < 0)
                detail_put(o, "-", 1);
            detail_put_unsigned(o, value < 0 ? 0ull - (unsigned long long)value
                                             : (unsigned long long)value);
            f += 1;
        } else if (f[0] == 'z' && f[1] == 'u') {
            detail_put_unsigned(o, va_arg(*ap, size_t));
            f += 2;
        } else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'u') {
            detail_put_unsigned(o, va_arg(*ap, unsigned long long));
            f += 3;
        } else {
            return false;
        }
    }
    return true;
}

void cs_detail_vformat(char *detail, size_t size, const char *fmt, va_list ap)
{
    detail_out out = {detail, size, 0};
    va_list args, again;

    if (detail == NULL || size == 0)
        return;
    va_copy(args, ap);
    va_copy(again, ap);
    if (detail_format_common(&out, fmt, &args))
        detail[out.len] = '\0';
    else
        vsnprintf(detail, size, fmt, again);
    va_end(args);
    va_end(again);
}

void cs_detail_set(char *detail, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_detail_vformat(detail, size, fmt, ap);
    va_end(ap);
}

cs_err cs_detail_fail(char *detail, size_t size, cs_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_detail_vformat(detail, size, fmt, ap);
    va_end(ap);
    return err;
}
