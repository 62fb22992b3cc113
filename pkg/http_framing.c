/* SPDX-License-Identifier: ISC */
/*
 * The RFC 9112 checks of a request's head that libmicrohttpd leaves out,
 * each refusing what two HTTP parsers (a proxy in front and this service)
 * could read as different requests: request smuggling.
 *
 *   - Content-Length given more than once with different values, or not a
 *     plain number (§6.3 item 5: the framing is invalid);
 *   - Content-Length together with Transfer-Encoding (§6.1: a server may
 *     refuse it, and one that reads the body its own way must), and a
 *     Transfer-Encoding other than chunked (§6.3 item 4);
 *   - a line ended by a bare LF instead of CRLF (§2.2 lets a recipient
 *     accept it; a proxy that does not would see one request where we see
 *     two), and a bare CR in a field value (§2.2: invalid).
 *
 * libmicrohttpd does not keep the bytes as received: it parses the head in
 * place, writing NUL over each line's CR and LF, and hands out pointers
 * into that buffer, the fields in the order received.  So a line that
 * ended in CRLF leaves two NULs between the end of its value and the next
 * line's first byte, a bare LF one.  The check reads those bytes only when
 * the pointers are laid out that way (ascending, a few bytes apart); the
 * tests (tests/cli/test_serve_flood.sh) fail if a libmicrohttpd version
 * lays them out otherwise.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "http_framing.h"

#define FIELDS_MAX 128 /* fields looked at for line ends; more are refused */
#define GAP_MAX 8      /* bytes between two lines' pointers that can be a line end */

typedef struct head_scan {
    const char *line_end; /* where the previous line's text ended */
    bool bare_lf;
    bool bare_cr;
    bool layout_known;
    unsigned fields;
    unsigned lengths;   /* Content-Length fields */
    const char *length; /* the first one's value */
    size_t length_size;
    bool lengths_differ;
    bool length_not_number;
    bool transfer_encoding;
    bool transfer_not_chunked;
} head_scan;

/* The line that starts at next follows the text that ended at end: true
 * when they are one CRLF apart, false when one bare LF apart. */
static void check_line_end(head_scan *scan, const char *next)
{
    const char *end = scan->line_end;

    if (!scan->layout_known || end == NULL)
        return;
    if (next <= end || next - end > GAP_MAX) {
        scan->layout_known = false;
        return;
    }
    for (const char *p = end; p < next; p++)
        if (*p != '\0') {
            scan->layout_known = false;
            return;
        }
    if (next - end == 1)
        scan->bare_lf = true;
}

static enum MHD_Result scan_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    head_scan *scan = cls;

    (void)kind;
    if (++scan->fields > FIELDS_MAX)
        return MHD_NO;
    check_line_end(scan, key);
    scan->line_end = value != NULL ? value + value_size : NULL;
    if (value != NULL && memchr(value, '\r', value_size) != NULL)
        scan->bare_cr = true;
    if (value == NULL)
        return MHD_YES;
    if (key_size == strlen(MHD_HTTP_HEADER_CONTENT_LENGTH) &&
        strncasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH, key_size) == 0) {
        if (value_size == 0 || strspn(value, "0123456789") < value_size)
            scan->length_not_number = true;
        if (scan->lengths++ == 0) {
            scan->length = value;
            scan->length_size = value_size;
        } else if (value_size != scan->length_size ||
                   memcmp(value, scan->length, value_size) != 0) {
            scan->lengths_differ = true;
        }
    } else if (key_size == strlen(MHD_HTTP_HEADER_TRANSFER_ENCODING) &&
               strncasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING, key_size) == 0) {
        scan->transfer_encoding = true;
        if (value_size != strlen("chunked") || strncasecmp(value, "chunked", value_size) != 0)
            scan->transfer_not_chunked = true;
    }
    return MHD_YES;
}

const char *http_framing_problem(struct MHD_Connection *connection, const char *version)
{
    head_scan scan = {0};

    scan.layout_known = version != NULL && version[0] != '\0';
    scan.line_end = scan.layout_known ? version + strlen(version) : NULL;
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, scan_field, &scan);
    if (scan.fields > FIELDS_MAX)
        return "the request has too many header fields";
    if (scan.bare_lf)
        return "a line of the request ends in a bare LF; end each line with CRLF";
    if (scan.bare_cr)
        return "a header field holds a bare CR";
    if (scan.lengths_differ)
        return "the request gives Content-Length more than once, with different values";
    if (scan.length_not_number)
        return "the request's Content-Length is not a number";
    if (scan.transfer_encoding && scan.lengths > 0)
        return "the request gives both Transfer-Encoding and Content-Length";
    if (scan.transfer_not_chunked)
        return "the request's Transfer-Encoding is not chunked";
    return NULL;
}
