/* SPDX-License-Identifier: ISC */
/*
 * The verification page of the service (report.h): one HTML document per
 * result, built with html_buffer.h so that every value from a token or a
 * result goes through the escaping append.
 *
 * The style sheet is one static string; the Content-Security-Policy
 * allows exactly it by its SHA-256 (CSP Level 3, hash source), so a change
 * to PAGE_STYLE needs the hash in PAGE_POLICY recomputed (the unit test
 * checks it and prints the new value), as:
 *     printf '%s' "$css" | openssl dgst -sha256 -binary | base64
 */
#include <stdio.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/report.h"
#include "html_buffer.h"

/* Colour pairs and their WCAG 2 contrast: #fff on #1b5e20 7.9, #fff on
 * #b71c1c 6.6, #3e2723 on #ffe082 10.7, #1c1c1c on #f4f4f1 15.5, #555 on
 * #f4f4f1 6.8, #1b5e20 on #e8f5e9 7.0, #b71c1c on #ffebee 5.8, #3e2723 on
 * #ffecb3 11.8, #424242 on #eeeeee 8.7 (AA asks 4.5). */
static const char PAGE_STYLE[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{margin:0;background:#f4f4f1;color:#1c1c1c;"
    "font:18px/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;overflow-wrap:anywhere}"
    "main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}"
    ".verdict{display:grid;grid-template-columns:auto 1fr;gap:.25rem .9rem;align-items:center;"
    "margin:0 -1rem;padding:1.5rem 1.25rem}"
    ".ok{background:#1b5e20;color:#fff}.bad{background:#b71c1c;color:#fff}"
    ".warn{background:#ffe082;color:#3e2723}"
    ".mark{width:3rem;height:3rem;border:3px solid currentColor;border-radius:50%;"
    "display:flex;align-items:center;justify-content:center;font-size:1.7rem;font-weight:700;"
    "line-height:1}"
    "h1,.verdict h2{margin:0;font-size:1.75rem;line-height:1.2}"
    ".verdict p{grid-column:1/-1;margin:.75rem 0 0}"
    ".verdict .reason{margin-top:.5rem;font-size:.9rem}"
    "h2{font-size:1.25rem;margin:1rem 0 .5rem;line-height:1.3}"
    "section{background:#fff;margin:.75rem -1rem 0;padding:.25rem 1.25rem 1rem}"
    "dl{margin:0}dt{font-size:.85rem;font-weight:600;color:#555;margin-top:.75rem}"
    "dd{margin:0;white-space:pre-line}"
    "dd ul{margin:0;padding-left:1.2rem;white-space:normal}"
    ".meta{color:#555;font-size:.9rem;margin:0 0 .5rem}"
    ".checks{list-style:none;margin:0;padding:0}"
    ".checks li{display:grid;grid-template-columns:5.2rem 1fr;gap:.75rem;padding:.6rem 0;"
    "border-top:1px solid #e0e0e0}"
    ".state{font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;"
    "text-align:center;border-radius:.3rem;padding:.15rem .3rem;align-self:start}"
    ".pass{background:#e8f5e9;color:#1b5e20}.fail{background:#ffebee;color:#b71c1c}"
    ".unknown{background:#ffecb3;color:#3e2723}.notrun{background:#eee;color:#424242}"
    ".check{display:block;font-size:.95rem;font-weight:600;line-height:1.4}"
    ".detail{display:block;font-size:.9rem;line-height:1.5}"
    "main>h1{margin:2.5rem 0 1rem}main>p{margin:0 0 1rem}"
    "footer{color:#555;font-size:.9rem;padding-top:1.5rem;padding-bottom:2rem}"
    "footer p{margin:0}"
    ".found{margin:2rem 0 0;font-weight:600}"
    "form{background:#fff;margin:1.5rem -1rem 0;padding:1rem 1.25rem 1.25rem}"
    "label{display:block;font-weight:600;margin-bottom:.5rem}"
    "input{display:block;width:100%;font:inherit;margin-bottom:1rem}"
    "button{font:inherit;font-weight:600;color:#fff;background:#1b5e20;border:0;"
    "border-radius:.4rem;padding:.6rem 1.4rem}"
    "@media (min-width:42rem){.verdict,section,form{margin-left:0;margin-right:0;"
    "border-radius:.75rem}.verdict{margin-top:2rem;padding:2rem}"
    "section{padding:.25rem 2rem 1.25rem}"
    "dl{display:grid;grid-template-columns:11rem 1fr;gap:.6rem 1rem;align-items:baseline}"
    "dt{margin:0}}";

#define PAGE_STYLE_HASH "'sha256-ez4IhgVHL/agSxqMKFMZ5yXTt9OmCq7YUdZTX1i0cCU='"

static const char PAGE_POLICY[] = "default-src 'none'; style-src " PAGE_STYLE_HASH "; "
                                  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/* The front page's form posts to the service itself, and nowhere else. */
static const char FORM_PAGE_POLICY[] = "default-src 'none'; style-src " PAGE_STYLE_HASH "; "
                                       "base-uri 'none'; form-action 'self'; "
                                       "frame-ancestors 'none'";

const char *cs_report_html_policy(void)
{
    return PAGE_POLICY;
}

const char *cs_report_html_form_policy(void)
{
    return FORM_PAGE_POLICY;
}

const char *cs_report_operator_hint(cs_verdict verdict)
{
#define VERDICT_HINT(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = hint,
    static const char *const hints[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_HINT)};
#undef VERDICT_HINT
    return verdict >= 0 && verdict < CS_VERDICT_COUNT ? hints[verdict] : NULL;
}

/* ---- the document shell ------------------------------------------------------- */

static void page_begin(cs_html_buffer *b, const char *title)
{
    cs_html_buffer_append(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
                             "<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width=device-width, "
                             "initial-scale=1\">\n"
                             "<meta name=\"robots\" content=\"noindex\">\n<title>");
    cs_html_buffer_append_text(b, title);
    CS_HTML_APPEND(b, " \xe2\x80\x93 certseal</title>\n<style>", PAGE_STYLE,
                   "</style>\n</head>\n<body>\n<main>\n");
}

/* <time datetime="YYYY-MM-DDTHH:MM:SSZ">YYYY-MM-DD HH:MM:SS UTC</time> */
static void append_time(cs_html_buffer *b, int64_t t)
{
    char machine[CS_DATETIME_TEXT_SIZE], human[CS_DATETIME_TEXT_SIZE + 4];

    cs_date_format_datetime(t, machine);
    snprintf(human, sizeof(human), "%.10s %.8s UTC", machine, machine + 11);
    CS_HTML_APPEND(b, "<time datetime=\"", machine, "\">", human, "</time>");
}

/* The footer: "Verified by certseal on <time>" of a verification, or
 * the service's name (verified_at NULL). */
static void page_end(cs_html_buffer *b, const int64_t *verified_at)
{
    cs_html_buffer_append(b, "</main>\n<footer>\n<p>");
    if (verified_at != NULL) {
        cs_html_buffer_append(b, "Verified by certseal on ");
        append_time(b, *verified_at);
    } else {
        cs_html_buffer_append(b, "certseal certificate verification");
    }
    cs_html_buffer_append(b, "</p>\n</footer>\n</body>\n</html>\n");
}

/* ---- the verdict banner ------------------------------------------------------- */

typedef enum tone { TONE_OK, TONE_WARN, TONE_BAD } tone;

/* What the banner says: a headline (the h1 and the title), its colour and
 * one plain sentence (NULL: written from the certificate). */
typedef struct banner {
    const char *headline;
    tone tone;
    const char *sentence;
} banner;

/* NOT_ACCREDITED says why, when the error tells; else the list's banner. */
static banner not_accredited_banner(cs_err err, const banner *general)
{
    switch (err) {
    case CS_ERR_AC_SUSPENDED:
        return (banner){"Accreditation suspended", TONE_BAD,
                        "The accreditation body has suspended the certification body's "
                        "accreditation: its certificates cannot be relied on while it is "
                        "suspended."};
    case CS_ERR_AC_WITHDRAWN:
        return (banner){"Accreditation withdrawn", TONE_BAD,
                        "The accreditation body has withdrawn the certification body's "
                        "accreditation: its certificates can no longer be relied on."};
    case CS_ERR_STANDARD_NOT_ACCREDITED:
        return (banner){"Not accredited for this standard", TONE_BAD,
                        "The certification body is not accredited to certify this standard."};
    case CS_ERR_IAF_NOT_ACCREDITED:
        return (banner){"Not accredited for this sector", TONE_BAD,
                        "The certification body is not accredited to certify in this "
                        "industry sector."};
    case CS_ERR_AC_EXPIRED:
    case CS_ERR_AC_NOT_YET_VALID:
        return (banner){"Not accredited", TONE_BAD,
                        "The certification body's accreditation is not valid today."};
    case CS_ERR_AC_NOT_VALID_AT_ISSUE:
        return (banner){"Not accredited", TONE_BAD,
                        "The certification body was not accredited on the day it issued this "
                        "certificate."};
    default:
        return *general;
    }
}

static banner banner_for(const cs_verify_result *r)
{
#define VERDICT_BANNER(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = {headline, TONE_##tone, sentence},
    static const banner banners[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_BANNER)};
#undef VERDICT_BANNER

    switch (r->verdict) {
    case CS_VERDICT_VALID:
        /* Never the green banner for a status that was not checked, or is
         * not current. */
        if (cs_verify_warnings(r) & CS_WARNING_STATUS_NOT_CHECKED)
            return (banner){"Valid, status not checked", TONE_WARN, NULL};
        if (cs_verify_warnings(r) & CS_WARNING_STATUS_AS_OF)
            return (banner){"Valid, status not current", TONE_WARN, NULL};
        if (cs_verify_warnings(r) & CS_WARNING_TRUST_LIST_STALE)
            return (banner){"Valid, trust list not current", TONE_WARN, NULL};
        break;
    case CS_VERDICT_NOT_ACCREDITED:
        return not_accredited_banner(r->err, &banners[CS_VERDICT_NOT_ACCREDITED]);
    default:
        break;
    }
    if (r->verdict >= 0 && r->verdict < CS_VERDICT_COUNT)
        return banners[r->verdict];
    return banners[CS_VERDICT_MALFORMED];
}

/* True when the token's contents may be shown: both signatures verified. */
static bool contents_verified(const cs_verify_result *r)
{
    return r->signatures_verified && r->has_certificate;
}

/* "ISO 9001:2015", "ISO 9001:2015 and ISO 14001:2015", "A, B and C". */
static void standards_phrase(cs_html_buffer *b, const cs_certificate *c)
{
    for (size_t i = 0; i < c->standard_count; i++) {
        if (i > 0)
            cs_html_buffer_append(b, i + 1 == c->standard_count ? " and " : ", ");
        cs_html_buffer_append_text(b, c->standards[i]);
    }
}

static void valid_sentence(cs_html_buffer *b, const cs_verify_result *r)
{
    const cs_certificate *c = &r->certificate;

    cs_html_buffer_append_text(b, c->organization_name);
    cs_html_buffer_append(b, " is certified to ");
    standards_phrase(b, c);
    if (r->accreditation != NULL) {
        cs_html_buffer_append(b, " by ");
        cs_html_buffer_append_text(b, r->accreditation->name);
    }
    cs_html_buffer_append(b, ".");
}

/* The sentence of a time verdict names the day, when it may be shown. */
static void dated_sentence(cs_html_buffer *b, const cs_verify_result *r, const banner *v)
{
    char day[CS_DATE_TEXT_SIZE];

    if (contents_verified(r) && r->failed == CS_CHECK_EDITION_CURRENT) {
        /* DESIGN §2 step 7: the edition's transition is over. */
        cs_html_buffer_append(b, "This certificate is no longer valid: ");
        cs_html_buffer_append_text(b, r->checks[CS_CHECK_EDITION_CURRENT].detail);
        cs_html_buffer_append(b, ".");
    } else if (!contents_verified(r) || r->failed != CS_CHECK_CT_VALIDITY) {
        cs_html_buffer_append(b, v->sentence);
    } else if (r->verdict == CS_VERDICT_EXPIRED) {
        cs_date_format(r->certificate.expires - 1, day);
        CS_HTML_APPEND(b, "This certificate has expired: its last valid day was ", day, ".");
    } else {
        cs_date_format(r->certificate.issued_at, day);
        CS_HTML_APPEND(b, "This certificate only takes effect on ", day, ".");
    }
}

/* "Warning: status not checked ..." lines, one per warning. */
static void warning_lines(cs_html_buffer *b, const cs_verify_result *r)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE,
                                            CS_WARNING_EDITION_TRANSITION};
    char text[CS_VERIFY_WARNING_SIZE];

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] == '\0')
            continue;
        cs_html_buffer_append(b, "<p class=\"reason\">Warning: ");
        cs_html_buffer_append_text(b, text);
        cs_html_buffer_append(b, "</p>\n");
    }
}

/* heading: "h1" for the page's one verdict, "h2" for one of several. */
static void verdict_banner(cs_html_buffer *b, const cs_verify_result *r, const banner *v,
                           const char *heading)
{
    static const char *const classes[] = {"ok", "warn", "bad"};
    static const char *const marks[] = {"\xe2\x9c\x93", "!", "\xe2\x9c\x97"}; /* ✓ ! ✗ */

    CS_HTML_APPEND(b, "<div class=\"verdict ", classes[v->tone],
                   "\">\n<span class=\"mark\" aria-hidden=\"true\">", marks[v->tone],
                   "</span>\n<", heading, ">", v->headline, "</", heading, ">\n<p>");
    if (r->verdict == CS_VERDICT_VALID && contents_verified(r))
        valid_sentence(b, r);
    else if (r->verdict == CS_VERDICT_EXPIRED || r->verdict == CS_VERDICT_NOT_YET_VALID)
        dated_sentence(b, r, v);
    else
        cs_html_buffer_append(b, v->sentence != NULL ? v->sentence : "");
    cs_html_buffer_append(b, "</p>\n");
    warning_lines(b, r);
    if (r->verdict != CS_VERDICT_VALID && r->failed >= 0 && r->failed < CS_CHECK_COUNT) {
        cs_html_buffer_append(b, "<p class=\"reason\">Reason: ");
        cs_html_buffer_append_text(b, r->checks[r->failed].detail);
        cs_html_buffer_append(b, "</p>\n");
    }
    cs_html_buffer_append(b, "</div>\n");
}

/* ---- the certificate ---------------------------------------------------------- */

/* <dt>label</dt><dd>value</dd>, the value escaped; nothing for NULL. */
static void field(cs_html_buffer *b, const char *label, const char *value)
{
    if (value == NULL)
        return;
    CS_HTML_APPEND(b, "<dt>", label, "</dt><dd>");
    cs_html_buffer_append_text(b, value);
    cs_html_buffer_append(b, "</dd>\n");
}

static void date_field(cs_html_buffer *b, const char *label, int64_t t)
{
    char day[CS_DATE_TEXT_SIZE];
    cs_date_format(t, day);
    field(b, label, day);
}

static void sites_field(cs_html_buffer *b, const cs_certificate *c)
{
    if (c->site_count == 0)
        return;
    cs_html_buffer_append(b, "<dt>Sites</dt><dd><ul>\n");
    for (size_t i = 0; i < c->site_count; i++) {
        cs_html_buffer_append(b, "<li>");
        cs_html_buffer_append_text(b, c->sites[i].address);
        cs_html_buffer_append(b, ": ");
        cs_html_buffer_append_text(b, c->sites[i].scope);
        cs_html_buffer_append(b, "</li>\n");
    }
    cs_html_buffer_append(b, "</ul></dd>\n");
}

static void iaf_field(cs_html_buffer *b, const cs_certificate *c)
{
    if (c->iaf_count == 0)
        return;
    cs_html_buffer_append(b, "<dt>IAF sectors</dt><dd>");
    for (size_t i = 0; i < c->iaf_count; i++) {
        if (i > 0)
            cs_html_buffer_append(b, ", ");
        cs_html_buffer_append_uint(b, c->iaf_codes[i]);
    }
    cs_html_buffer_append(b, "</dd>\n");
}

/* ISO 22003-1 food chain categories (DESIGN §3 "fcc"). */
static void food_chain_field(cs_html_buffer *b, const cs_certificate *c)
{
    if (c->food_chain_count == 0)
        return;
    cs_html_buffer_append(b, "<dt>Food chain categories</dt><dd>");
    for (size_t i = 0; i < c->food_chain_count; i++) {
        if (i > 0)
            cs_html_buffer_append(b, ", ");
        cs_html_buffer_append_text(b, c->food_chain_categories[i]);
    }
    cs_html_buffer_append(b, "</dd>\n");
}

/* An integrated certificate lists its standards one per line. */
static void standards_field(cs_html_buffer *b, const cs_certificate *c)
{
    if (c->standard_count == 1) {
        field(b, "Standard", c->standards[0]);
        return;
    }
    cs_html_buffer_append(b, "<dt>Standards</dt><dd><ul>\n");
    for (size_t i = 0; i < c->standard_count; i++) {
        cs_html_buffer_append(b, "<li>");
        cs_html_buffer_append_text(b, c->standards[i]);
        cs_html_buffer_append(b, "</li>\n");
    }
    cs_html_buffer_append(b, "</ul></dd>\n");
}

/* A transfer's predecessor (IAF MD 2) and a restoration (ISO/IEC 17021-1). */
static void history_fields(cs_html_buffer *b, const cs_certificate *c)
{
    if (c->predecessor.certification_body != NULL) {
        cs_html_buffer_append(b, "<dt>Transferred from</dt><dd>");
        cs_html_buffer_append_text(b, c->predecessor.certification_body);
        cs_html_buffer_append(b, ", certificate ");
        cs_html_buffer_append_text(b, c->predecessor.number);
        cs_html_buffer_append(b, "</dd>\n");
    }
    if (c->has_restored)
        date_field(b, "Restored on", c->restored);
}

static void certificate_section(cs_html_buffer *b, const cs_verify_result *r)
{
    const cs_certificate *c = &r->certificate;

    cs_html_buffer_append(b, "<section>\n<h2>Certificate</h2>\n<dl>\n");
    field(b, "Organisation", c->organization_name);
    field(b, "Country", c->organization_country);
    field(b, "Address", c->organization_address);
    standards_field(b, c);
    field(b, "Scope", c->scope);
    sites_field(b, c);
    iaf_field(b, c);
    food_chain_field(b, c);
    field(b, "Certificate number", c->number);
    cs_html_buffer_append(b, "<dt>Revision</dt><dd>");
    cs_html_buffer_append_uint(b, c->revision);
    cs_html_buffer_append(b, "</dd>\n");
    date_field(b, "First granted", c->original_grant);
    date_field(b, "Issued", c->issued_at);
    date_field(b, "Valid until", c->expires - 1); /* exp is the day after the last */
    history_fields(b, c);
    field(b, "Certificate status", cs_verify_status_summary(r, CS_CHECK_CT_STATUS));
    cs_html_buffer_append(b, "</dl>\n</section>\n");
}

/* With a trust list: who recognises the AB, and for what (DESIGN §3). */
static void recognition_fields(cs_html_buffer *b, const cs_verify_result *r)
{
    const cs_trustlist_ab *ab = r->ab;
    char day[CS_DATE_TEXT_SIZE];

    if (ab == NULL || r->checks[CS_CHECK_AB_LISTED].state != CS_CHECK_PASS)
        return;
    cs_html_buffer_append(b, "<dt>Recognised by</dt><dd>");
    cs_html_buffer_append_text(b, r->trust_list_issuer);
    cs_html_buffer_append(b, " (");
    cs_html_buffer_append_text(b, ab->name);
    cs_html_buffer_append(b, ", ");
    cs_html_buffer_append_text(b, ab->country);
    cs_html_buffer_append(b, ")</dd>\n<dt>Recognised for</dt><dd><ul>\n");
    for (size_t i = 0; i < ab->recognition_count; i++) {
        const cs_trustlist_recognition *rec = &ab->recognitions[i];
        cs_html_buffer_append(b, "<li>");
        cs_html_buffer_append_text(b, rec->standard);
        cs_date_format(rec->not_before, day);
        CS_HTML_APPEND(b, " from ", day);
        if (rec->has_expires) {
            cs_date_format(rec->expires, day);
            CS_HTML_APPEND(b, " until ", day);
        }
        cs_html_buffer_append(b, "</li>\n");
    }
    cs_html_buffer_append(b, "</ul></dd>\n");
}

static void accreditation_section(cs_html_buffer *b, const cs_verify_result *r)
{
    const cs_accreditation *ac = r->accreditation;

    if (ac == NULL)
        return;
    cs_html_buffer_append(b, "<section>\n<h2>Issued by</h2>\n<dl>\n");
    field(b, "Certification body", ac->name);
    field(b, "Identifier", ac->subject);
    field(b, "Country", ac->country);
    field(b, "Accreditation body", ac->issuer);
    recognition_fields(b, r);
    field(b, "Accreditation number", ac->number);
    field(b, "Accreditation status", cs_verify_status_summary(r, CS_CHECK_AC_STATUS));
    cs_html_buffer_append(b, "</dl>\n</section>\n");
}

static void unverified_section(cs_html_buffer *b)
{
    cs_html_buffer_append(b, "<section>\n<h2>Certificate</h2>\n<p>The contents of this code "
                             "are not shown: it could not be verified, so nothing it says "
                             "can be trusted.</p>\n</section>\n");
}

/* ---- the checks --------------------------------------------------------------- */

/* "All 16 checks passed." or "12 passed, 1 failed, 3 not run." */
static void checks_summary(cs_html_buffer *b, const cs_verify_result *r)
{
    static const char *const words[] = {"not run", "passed", "failed", "unknown"};
    static const int order[] = {CS_CHECK_PASS, CS_CHECK_FAIL, CS_CHECK_UNKNOWN, CS_CHECK_NOT_RUN};
    size_t counts[4] = {0}, listed = 0;

    for (int id = 0; id < CS_CHECK_COUNT; id++)
        if ((unsigned)r->checks[id].state < 4)
            counts[r->checks[id].state]++;
    if (counts[CS_CHECK_PASS] == CS_CHECK_COUNT) {
        cs_html_buffer_append(b, "All ");
        cs_html_buffer_append_uint(b, CS_CHECK_COUNT);
        cs_html_buffer_append(b, " checks passed.");
        return;
    }
    for (size_t i = 0; i < 4; i++) {
        if (counts[order[i]] == 0)
            continue;
        cs_html_buffer_append(b, listed++ > 0 ? ", " : "");
        cs_html_buffer_append_uint(b, counts[order[i]]);
        CS_HTML_APPEND(b, " ", words[order[i]]);
    }
    cs_html_buffer_append(b, ".");
}

static void checks_section(cs_html_buffer *b, const cs_verify_result *r)
{
    static const char *const classes[] = {
        [CS_CHECK_NOT_RUN] = "notrun",
        [CS_CHECK_PASS] = "pass",
        [CS_CHECK_FAIL] = "fail",
        [CS_CHECK_UNKNOWN] = "unknown",
    };

    cs_html_buffer_append(b, "<section>\n<h2>Checks made</h2>\n<p class=\"meta\">As of ");
    append_time(b, r->verified_at);
    cs_html_buffer_append(b, ". Code form: ");
    cs_html_buffer_append_text(b, r->form == CS_FORM_UNKNOWN ? "not recognised"
                                                             : cs_form_name(r->form));
    cs_html_buffer_append(b, ". ");
    checks_summary(b, r);
    cs_html_buffer_append(b, "</p>\n<ol class=\"checks\">\n");
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        unsigned state = (unsigned)c->state <= CS_CHECK_UNKNOWN ? (unsigned)c->state : 0;

        CS_HTML_APPEND(b, "<li><span class=\"state ", classes[state], "\">");
        cs_html_buffer_append_text(b, cs_check_state_name((cs_check_state)state));
        cs_html_buffer_append(b, "</span><span><span class=\"check\">");
        cs_html_buffer_append_text(b, cs_check_name((cs_check_id)id));
        cs_html_buffer_append(b, "</span><span class=\"detail\">");
        cs_html_buffer_append_text(b, c->detail);
        cs_html_buffer_append(b, "</span></span></li>\n");
    }
    cs_html_buffer_append(b, "</ol>\n</section>\n");
}

/* ---- the pages ---------------------------------------------------------------- */

/* One verdict: its banner (heading as verdict_banner()), the certificate
 * when it may be shown, and the checks. */
static void verdict_body(cs_html_buffer *b, const cs_verify_result *result, const char *heading)
{
    banner v = banner_for(result);

    verdict_banner(b, result, &v, heading);
    if (contents_verified(result)) {
        certificate_section(b, result);
        accreditation_section(b, result);
    } else {
        unverified_section(b);
    }
    checks_section(b, result);
}

cs_err cs_report_verify_html(const cs_verify_result *result, char **out)
{
    cs_html_buffer b = CS_HTML_BUFFER_INIT;

    if (out != NULL)
        *out = NULL;
    if (result == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    page_begin(&b, banner_for(result).headline);
    verdict_body(&b, result, "h1");
    page_end(&b, &result->verified_at);
    return cs_html_buffer_take(&b, out);
}

cs_err cs_report_verify_html_found(const char *source, const cs_report_found *found, size_t count,
                                   char **out)
{
    cs_html_buffer b = CS_HTML_BUFFER_INIT;

    if (out != NULL)
        *out = NULL;
    if (source == NULL || found == NULL || count == 0 || out == NULL)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < count; i++)
        if (found[i].result == NULL || found[i].place == NULL)
            return CS_ERR_ARGUMENT;
    if (count == 1) {
        page_begin(&b, banner_for(found[0].result).headline);
    } else {
        page_begin(&b, "Certificate codes found");
        cs_html_buffer_append(&b, "<h1>");
        cs_html_buffer_append_uint(&b, count);
        cs_html_buffer_append(&b, " certificate codes found in ");
        cs_html_buffer_append_text(&b, source);
        cs_html_buffer_append(&b, "</h1>\n");
    }
    for (size_t i = 0; i < count; i++) {
        cs_html_buffer_append(&b, "<article>\n<p class=\"found\">");
        if (count > 1) {
            cs_html_buffer_append(&b, "Code ");
            cs_html_buffer_append_uint(&b, i + 1);
            cs_html_buffer_append(&b, " of ");
            cs_html_buffer_append_uint(&b, count);
            cs_html_buffer_append(&b, ": ");
        } else {
            cs_html_buffer_append(&b, "Found in ");
            cs_html_buffer_append_text(&b, source);
            cs_html_buffer_append(&b, ": ");
        }
        cs_html_buffer_append_text(&b, found[i].place);
        cs_html_buffer_append(&b, "</p>\n");
        verdict_body(&b, found[i].result, count == 1 ? "h1" : "h2");
        cs_html_buffer_append(&b, "</article>\n");
    }
    cs_html_buffer_append(&b, "<p><a href=\"/\">Check another certificate</a></p>\n");
    page_end(&b, &found[0].result->verified_at);
    return cs_html_buffer_take(&b, out);
}

cs_err cs_report_front_html(const char *title, const char *message, const char *upload_note,
                            char **out)
{
    cs_html_buffer b = CS_HTML_BUFFER_INIT;

    if (out != NULL)
        *out = NULL;
    if (title == NULL || message == NULL || upload_note == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    page_begin(&b, title);
    cs_html_buffer_append(&b, "<h1>");
    cs_html_buffer_append_text(&b, title);
    cs_html_buffer_append(&b, "</h1>\n<p>");
    cs_html_buffer_append_text(&b, message);
    /* A plain form: no script.  The browser sends the file as
     * multipart/form-data (RFC 7578) in the field "file". */
    cs_html_buffer_append(&b, "</p>\n<form method=\"post\" action=\"/\" "
                              "enctype=\"multipart/form-data\">\n"
                              "<label for=\"file\">Or upload a photo, an image or the PDF of the "
                              "certificate</label>\n"
                              "<input type=\"file\" id=\"file\" name=\"file\" required "
                              "accept=\"image/png,image/jpeg,application/pdf,.pdf\">\n"
                              "<p class=\"meta\">");
    cs_html_buffer_append_text(&b, upload_note);
    cs_html_buffer_append(&b, "</p>\n<button type=\"submit\">Check</button>\n</form>\n");
    page_end(&b, NULL);
    return cs_html_buffer_take(&b, out);
}

cs_err cs_report_message_html(const char *title, const char *message, char **out)
{
    cs_html_buffer b = CS_HTML_BUFFER_INIT;

    if (out != NULL)
        *out = NULL;
    if (title == NULL || message == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    page_begin(&b, title);
    cs_html_buffer_append(&b, "<h1>");
    cs_html_buffer_append_text(&b, title);
    cs_html_buffer_append(&b, "</h1>\n<p>");
    cs_html_buffer_append_text(&b, message);
    cs_html_buffer_append(&b, "</p>\n");
    page_end(&b, NULL);
    return cs_html_buffer_take(&b, out);
}
