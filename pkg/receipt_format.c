/* SPDX-License-Identifier: ISC */
/* A verified receipt as text and as JSON (certseal/receipt.h): what
 * `certseal receipt verify` prints.  Every text a receipt carries came
 * from its signer and is escaped for a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "certseal/date.h"
#include "certseal/receipt.h"
#include "certseal/text.h"
#include "internal.h"

#define DIGEST_TEXT_SIZE (2 * CS_RECEIPT_SHA256_SIZE + 1)

static void put_field(FILE *f, const char *name, const char *value)
{
    if (value == NULL)
        return;
    fprintf(f, "    %-13s ", name);
    cs_text_put_escaped(f, value);
    fputc('\n', f);
}

static void put_result(FILE *f, const cs_receipt_result *x)
{
    char digest[DIGEST_TEXT_SIZE], date[CS_DATETIME_TEXT_SIZE];

    fprintf(f, "  %-17s ", cs_verdict_name(x->verdict));
    cs_text_put_escaped(f, x->input);
    fprintf(f, "\n    %-13s %s\n", "token sha256",
            cs_text_hex(x->token_sha256, sizeof(x->token_sha256), digest));
    put_field(f, "certificate", x->number);
    put_field(f, "issuer", x->issuer);
    put_field(f, "organisation", x->organization);
    put_field(f, "standard", x->standard);
    if (x->expires > 0) {
        /* exp is 00:00 UTC of the day after the last valid day (DESIGN §3). */
        cs_date_format(x->expires - 86400, date);
        put_field(f, "valid until", date);
    }
}

static void put_receipt(FILE *f, const void *arg)
{
    const cs_receipt *r = arg;
    char date[CS_DATETIME_TEXT_SIZE], digest[DIGEST_TEXT_SIZE];

    fprintf(f, "VALID receipt, signed by key %s\n", cs_text_hex(r->signer_kid, CS_KID_SIZE, digest));
    cs_date_format_datetime(r->signed_at, date);
    fprintf(f, "signed:       %s\n", date);
    cs_date_format_datetime(r->verified_at, date);
    fprintf(f, "verified as of %s\n", date);
    fprintf(f, "pinned keys:  %zu\n", r->pinned_count);
    for (size_t i = 0; i < r->pinned_count; i++)
        fprintf(f, "  %s\n", cs_text_hex(r->pinned_kids[i], CS_KID_SIZE, digest));
    fprintf(f, "trust lists:  %zu\n", r->trust_list_count);
    for (size_t i = 0; i < r->trust_list_count; i++) {
        const cs_receipt_trust_list *t = &r->trust_lists[i];
        fputs("  ", f);
        cs_text_put_escaped(f, t->uri);
        fputs(" (", f);
        cs_text_put_escaped(f, t->issuer);
        fprintf(f, ") seq %llu sha256 %s\n", (unsigned long long)t->sequence,
                cs_text_hex(t->sha256, sizeof(t->sha256), digest));
    }
    fprintf(f, "status lists: %zu\n", r->status_list_count);
    for (size_t i = 0; i < r->status_list_count; i++) {
        const cs_receipt_status_list *s = &r->status_lists[i];
        cs_date_format_datetime(s->issued_at, date);
        fputs("  ", f);
        cs_text_put_escaped(f, s->uri);
        fprintf(f, " iat %s sha256 %s\n", date, cs_text_hex(s->sha256, sizeof(s->sha256), digest));
    }
    fprintf(f, "results:      %zu\n", r->result_count);
    for (size_t i = 0; i < r->result_count; i++)
        put_result(f, &r->results[i]);
}

cs_err cs_receipt_format_text(const cs_receipt *receipt, char **out)
{
    if (receipt == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    return cs_text_render(put_receipt, receipt, out);
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *hex_json(const uint8_t *bytes, size_t len)
{
    char text[2 * 64 + 1];
    return json_string(cs_text_hex(bytes, len, text));
}

static json_t *date_json(int64_t when)
{
    char date[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(when, date);
    return json_string(date);
}

static void set_text(json_t *o, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(o, key, json_string(value));
}

static json_t *result_json(const cs_receipt_result *x)
{
    json_t *e = json_object();

    set_text(e, "input", x->input);
    json_object_set_new(e, "token_sha256", hex_json(x->token_sha256, sizeof(x->token_sha256)));
    json_object_set_new(e, "verdict", json_string(cs_verdict_name(x->verdict)));
    set_text(e, "certificate", x->number);
    set_text(e, "issuer", x->issuer);
    set_text(e, "organisation", x->organization);
    set_text(e, "standard", x->standard);
    if (x->expires > 0)
        json_object_set_new(e, "expires", date_json(x->expires));
    return e;
}

static json_t *receipt_json(const cs_receipt *r)
{
    json_t *root = json_object(), *keys = json_array(), *tls = json_array(),
           *sts = json_array(), *res = json_array();

    json_object_set_new(root, "signer_kid", hex_json(r->signer_kid, CS_KID_SIZE));
    json_object_set_new(root, "signed_at", date_json(r->signed_at));
    json_object_set_new(root, "verified_at", date_json(r->verified_at));
    for (size_t i = 0; i < r->pinned_count; i++)
        json_array_append_new(keys, hex_json(r->pinned_kids[i], CS_KID_SIZE));
    for (size_t i = 0; i < r->trust_list_count; i++) {
        json_t *t = json_object();
        set_text(t, "issuer", r->trust_lists[i].issuer);
        set_text(t, "uri", r->trust_lists[i].uri);
        json_object_set_new(t, "sequence", json_integer((json_int_t)r->trust_lists[i].sequence));
        json_object_set_new(t, "sha256", hex_json(r->trust_lists[i].sha256, 32));
        json_array_append_new(tls, t);
    }
    for (size_t i = 0; i < r->status_list_count; i++) {
        json_t *s = json_object();
        set_text(s, "uri", r->status_lists[i].uri);
        json_object_set_new(s, "iat", date_json(r->status_lists[i].issued_at));
        json_object_set_new(s, "sha256", hex_json(r->status_lists[i].sha256, 32));
        json_array_append_new(sts, s);
    }
    for (size_t i = 0; i < r->result_count; i++)
        json_array_append_new(res, result_json(&r->results[i]));
    json_object_set_new(root, "pinned_kids", keys);
    json_object_set_new(root, "trust_lists", tls);
    json_object_set_new(root, "status_lists", sts);
    json_object_set_new(root, "results", res);
    return root;
}

cs_err cs_receipt_format_json(const cs_receipt *receipt, char **out)
{
    json_t *root;
    char *text = NULL;

    if (receipt == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    root = receipt_json(receipt);
    if (root != NULL)
        text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL || cs_text_escape_json(&text) != CS_OK) {
        free(text);
        return CS_ERR_NO_MEMORY;
    }
    *out = text;
    return CS_OK;
}
