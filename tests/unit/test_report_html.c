/* SPDX-License-Identifier: ISC */
/*
 * The verification page (report.h, cs_report_verify_html): real tokens,
 * made with the library and verified, for every verdict a token can reach;
 * each page is checked for its shell (one style element, lang, no script
 * or external resource, balanced tags, only known entities), its headline,
 * the certificate shown only when the signatures verified, and every check
 * in order with its state in words.  Hostile text in every field of a
 * certificate and of its accreditation comes out escaped; the CSP hash
 * matches the style element; the message page; the escaping of the buffer
 * underneath (controls, invalid UTF-8); arguments.
 *
 * With CERTSEAL_TEST_HTML_DIR set, every page rendered is also written
 * there (html-<verdict>.html) to look at in a browser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/certseal.h"
#include "helper_tokens.h"
#include "html_buffer.h"
#include "internal.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define LINK_BASE "https://verify.example.org/v"
#define AB_URI "https://ab.example/status/ac"
#define CB_URI "https://cb.example/status/1"
#define AC_INDEX 5
#define CT_INDEX 4242
#define ORG "Acme Precision Engineering Ltd"
#define CERT_NO "GB-Q-2026-004217"
#define HOSTILE "<script>alert(\"x\")</script> & 'quotes'"
#define HOSTILE_ESCAPED "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"

static const char *AC_STANDARDS[] = {"ISO 9001:2015"};
static uint64_t AC_IAF[] = {17, 18};

static struct {
    int64_t ac_from, ac_to, now;
    cs_key_t *ab, *cb, *attacker;
    cs_trust_t *trust;
    uint8_t *ac, *ac_hostile;
    size_t ac_len, ac_hostile_len;
    char *ct, *ct_link, *ct_hostile;
} F;

/* ---- building ------------------------------------------------------------------ */

static int64_t date(const char *text)
{
    int64_t t = 0;
    assert_int_equal(cs_date_parse(text, &t), CS_OK);
    return t;
}

static cs_accreditation_params make_ac(const char *name)
{
    cs_accreditation_params ac = {
        .issuer = "UKAS",
        .subject = "cb.example",
        .name = (char *)name,
        .number = "ACC-1",
        .country = "GB",
        .standards = AC_STANDARDS,
        .standard_count = 1,
        .iaf_codes = AC_IAF,
        .iaf_count = 2,
        .not_before = F.ac_from,
        .expires = F.ac_to,
        .issued_at = F.ac_from,
        .subject_key = F.cb,
        .status = {true, AC_INDEX, AB_URI},
    };
    return ac;
}

/* The typical record with two sites and a status reference; with hostile,
 * every text field a person reads holds HOSTILE. */
static void load_cert(cs_certificate *cert, bool hostile)
{
    assert_int_equal(helper_load_record(RECORD_PATH, cert), CS_OK);
    assert_non_null(cert->sites = calloc(2, sizeof(cs_site)));
    cert->site_count = 2;
    assert_non_null(cert->sites[0].address = strdup("1 Mill Lane, Leeds"));
    assert_non_null(cert->sites[0].scope = strdup("Machining"));
    assert_non_null(cert->sites[1].address = strdup(hostile ? HOSTILE : "2 Dock Road, Hull"));
    assert_non_null(cert->sites[1].scope = strdup(hostile ? HOSTILE : "Dispatch"));
    cert->status = (cs_status_ref){true, CT_INDEX, strdup(CB_URI)};
    assert_non_null(cert->status.uri);
    if (hostile) {
        char **fields[] = {&cert->organization_name, &cert->organization_address, &cert->scope,
                           &cert->number};
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            free(*fields[i]);
            assert_non_null(*fields[i] = strdup(HOSTILE));
        }
    }
}

/* A token from the library's issuer for the AC given (strdup'ed). */
static char *issue(const uint8_t *ac, size_t ac_len, bool hostile, cs_form form)
{
    cs_issuer_t *issuer = NULL;
    cs_certificate cert = {0};
    const char *token = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", *copy;

    assert_int_equal(cs_issuer_new(F.cb, ac, ac_len, &issuer, detail, sizeof(detail)), CS_OK);
    load_cert(&cert, hostile);
    assert_int_equal(cs_issuer_issue(issuer, &cert, form, form == CS_FORM_LINK ? LINK_BASE : NULL,
                                     0, &token, &len, detail, sizeof(detail)),
                     CS_OK);
    assert_non_null(copy = strdup(token));
    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    return copy;
}

/* A CT signed by hand (helper_tokens.h) by signer, carrying the kid of the
 * CB key, for the typical record with standard std; offline form. */
static char *hand_signed(const cs_key_t *signer, const char *std)
{
    cs_certificate cert = {0};
    helper_header h = {.typ = CS_TYP_CERTIFICATE,
                       .kid = cs_key_kid(F.cb),
                       .accreditation = F.ac,
                       .accreditation_len = F.ac_len};
    cs_token_codec_t *codec = NULL;
    uint8_t *claims = NULL, *cose = NULL;
    size_t claims_len = 0, cose_len = 0, text_len = 0;
    const char *text = NULL;
    char *copy;

    load_cert(&cert, false);
    free(cert.standards[0]);
    assert_non_null(cert.standards[0] = strdup(std));
    assert_non_null(cert.issuer = strdup("cb.example"));
    assert_non_null(cert.accreditation_number = strdup("ACC-1"));
    assert_int_equal(helper_certificate_claims(&cert, NULL, &claims, &claims_len), CS_OK);
    assert_int_equal(helper_sign1(signer, &h, claims, claims_len, &cose, &cose_len), CS_OK);
    assert_int_equal(cs_token_codec_new(&codec), CS_OK);
    assert_int_equal(cs_token_wrap(codec, CS_FORM_OFFLINE, NULL, cose, cose_len, &text, &text_len),
                     CS_OK);
    assert_non_null(copy = strdup(text));
    cs_token_codec_free(&codec);
    cs_certificate_clear(&cert);
    free(claims);
    free(cose);
    return copy;
}

static void add_list(cs_verifier_t *v, const cs_key_t *key, const char *uri, uint64_t index,
                     unsigned value)
{
    cs_status_list_t *list = NULL;
    cs_status_token_params p = {uri, F.now - 3600, F.now + 86400, 3600};
    uint8_t *slt = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";

    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, index, value), CS_OK);
    assert_int_equal(cs_status_token_sign(key, list, &p, &slt, &len), CS_OK);
    assert_int_equal(cs_verifier_add_status_list(v, slt, len, detail, sizeof(detail)), CS_OK);
    cs_status_list_free(&list);
    free(slt);
}

/* A verifier at time `at` over trust, with both status lists holding the
 * given values (a negative value: no list). */
static cs_verifier_t *verifier(const cs_trust_t *trust, int64_t at, int ac_value, int ct_value)
{
    cs_verifier_t *v = NULL;
    assert_int_equal(cs_verifier_new(trust, &v), CS_OK);
    cs_verifier_set_time(v, at);
    if (ac_value >= 0)
        add_list(v, F.ab, AB_URI, AC_INDEX, (unsigned)ac_value);
    if (ct_value >= 0)
        add_list(v, F.cb, CB_URI, CT_INDEX, (unsigned)ct_value);
    return v;
}

/* ---- looking at a page ------------------------------------------------------- */

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void assert_contains(const char *page, const char *needle)
{
    if (strstr(page, needle) == NULL)
        fail_msg("the page does not contain \"%s\"", needle);
}

static void assert_lacks(const char *page, const char *needle)
{
    if (strstr(page, needle) != NULL)
        fail_msg("the page contains \"%s\"", needle);
}

/* The text between open and the next close, into out (NUL-terminated). */
static void element_text(const char *page, const char *open, const char *close, char *out,
                         size_t size)
{
    const char *start = strstr(page, open), *end;
    assert_non_null(start);
    start += strlen(open);
    assert_non_null(end = strstr(start, close));
    assert_true((size_t)(end - start) < size);
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
}

/* Every element closed in order (void elements aside), the style's
 * content skipped, and every '&' one of the five entities we write. */
static void assert_balanced(const char *page)
{
    static const char *const voids[] = {"meta", "br", "!doctype"};
    static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    char stack[32][16], name[16];
    size_t depth = 0;

    for (const char *p = page; (p = strchr(p, '<')) != NULL;) {
        bool closing = p[1] == '/', is_void = false;
        size_t n = 0;
        const char *q = p + 1 + closing;
        while ((isalnum((unsigned char)*q) || *q == '!') && n < sizeof(name) - 1)
            name[n++] = (char)tolower((unsigned char)*q++);
        name[n] = '\0';
        assert_true(n > 0);
        for (size_t i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
            is_void |= strcmp(name, voids[i]) == 0;
        if (closing) {
            assert_true(depth > 0);
            if (strcmp(stack[--depth], name) != 0)
                fail_msg("</%s> closes <%s>", name, stack[depth]);
        } else if (!is_void) {
            assert_true(depth < 32);
            strcpy(stack[depth++], name);
        }
        assert_non_null(p = strchr(p, '>'));
        if (!closing && strcmp(name, "style") == 0)
            assert_non_null(p = strstr(p, "</style>"));
    }
    assert_int_equal(depth, 0);
    for (const char *p = page; (p = strchr(p, '&')) != NULL; p++) {
        bool known = false;
        for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
            known |= strncmp(p, entities[i], strlen(entities[i])) == 0;
        if (!known)
            fail_msg("unescaped '&' at \"%.20s\"", p);
    }
}

/* The shell every page shares, with headline as h1 and in the title. */
static void assert_shell(const char *page, const char *headline)
{
    static const char *const forbidden[] = {"<script",  "<img",    "<link", "<iframe", "<form",
                                            "src=",     "href=",   "url(",  "@import", "onload=",
                                            "onerror=", "<object", "<embed"};
    char text[256], want[300];
    char *lower;

    assert_true(strncmp(page, "<!doctype html>\n<html lang=\"en\">", 32) == 0);
    assert_contains(page, "<meta charset=\"utf-8\">");
    assert_contains(page,
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    assert_contains(page, "<meta name=\"robots\" content=\"noindex\">");
    assert_int_equal(count(page, "<style"), 1);
    assert_int_equal(count(page, "</style>"), 1);
    assert_int_equal(count(page, "<h1"), 1);
    assert_non_null(lower = strdup(page));
    for (char *c = lower; *c != '\0'; c++)
        *c = (char)tolower((unsigned char)*c);
    for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
        if (strstr(lower, forbidden[i]) != NULL)
            fail_msg("the page contains \"%s\"", forbidden[i]);
    free(lower);
    element_text(page, "<h1>", "</h1>", text, sizeof(text));
    assert_string_equal(text, headline);
    element_text(page, "<title>", "</title>", text, sizeof(text));
    snprintf(want, sizeof(want), "%s \xe2\x80\x93 certseal", headline);
    assert_string_equal(text, want);
    assert_contains(page, "</main>\n<footer>\n<p>");
    assert_balanced(page);
}

/* An escaping of our own, to compare with the page's. */
static void escape(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (; *text != '\0'; text++) {
        const char *e = *text == '&'    ? "&amp;"
                        : *text == '<'  ? "&lt;"
                        : *text == '>'  ? "&gt;"
                        : *text == '"'  ? "&quot;"
                        : *text == '\'' ? "&#39;"
                                        : NULL;
        char one[2] = {*text, '\0'};
        assert_true(n + 7 < size);
        n += (size_t)snprintf(out + n, size - n, "%s", e != NULL ? e : one);
    }
    out[n] = '\0';
}

/* Every check, in order, with its state word and its escaped detail. */
static void assert_checks(const char *page, const cs_verify_result *r)
{
    static const char *const classes[] = {"notrun", "pass", "fail", "unknown"};
    const char *at = strstr(page, "<h2>Checks made</h2>");
    char want[CS_DETAIL_SIZE * 6 + 512], detail[CS_DETAIL_SIZE * 6 + 1];

    assert_non_null(at);
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        escape(c->detail, detail, sizeof(detail));
        snprintf(want, sizeof(want),
                 "<li><span class=\"state %s\">%s</span><span><span class=\"check\">%s</span>"
                 "<span class=\"detail\">%s</span></span></li>",
                 classes[c->state], cs_check_state_name(c->state), cs_check_name((cs_check_id)id),
                 detail);
        if ((at = strstr(at, want)) == NULL)
            fail_msg("check %s missing or out of order: %s", cs_check_name((cs_check_id)id), want);
    }
}

static void save(const char *page, const char *name)
{
    const char *dir = getenv("CERTSEAL_TEST_HTML_DIR");
    char path[1024];
    FILE *f;

    if (dir == NULL || *dir == '\0')
        return;
    snprintf(path, sizeof(path), "%s/html-%s.html", dir, name);
    assert_non_null(f = fopen(path, "w"));
    assert_int_equal(fputs(page, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/*
 * Verifies token with v and renders it; checks the verdict, the shell
 * with headline, the reason (the failing check's detail) for a verdict
 * that is not VALID, the checks, and the certificate shown exactly when
 * the signatures verified.  Returns the page (free()).
 */
static char *render(cs_verifier_t *v, const char *token, cs_verdict verdict, const char *headline)
{
    cs_verify_result r;
    char *page = NULL, detail[CS_DETAIL_SIZE * 6 + 1], want[CS_DETAIL_SIZE * 6 + 64];

    assert_int_equal(cs_verifier_verify(v, (const uint8_t *)token, strlen(token), &r), CS_OK);
    if (r.verdict != verdict)
        fail_msg("verdict %s (%s), expected %s", cs_verdict_name(r.verdict),
                 r.checks[r.failed].detail, cs_verdict_name(verdict));
    assert_int_equal(cs_report_verify_html(&r, &page), CS_OK);
    assert_non_null(page);
    save(page, headline);
    assert_shell(page, headline);
    assert_checks(page, &r);
    assert_contains(page, "<footer>\n<p>Verified by certseal on <time datetime=\"");
    /* What an operator could do (--trust, --status) is for the log, never
     * for the buyer reading the page. */
    assert_lacks(page, "--trust");
    assert_lacks(page, "--status");
    assert_lacks(page, "--fetch");
    if (verdict != CS_VERDICT_VALID) {
        escape(r.checks[r.failed].detail, detail, sizeof(detail));
        snprintf(want, sizeof(want), "<p class=\"reason\">Reason: %s</p>", detail);
        assert_contains(page, want);
    } else {
        assert_lacks(page, "class=\"reason\"");
    }
    if (r.signatures_verified && r.has_certificate) {
        assert_contains(page, "<h2>Certificate</h2>");
        assert_contains(page, "<h2>Issued by</h2>");
        assert_contains(page, "<dt>Accreditation number</dt><dd>ACC-1</dd>");
        assert_lacks(page, "are not shown");
    } else {
        assert_contains(page, "The contents of this code are not shown");
        assert_lacks(page, "<dl>");
        assert_lacks(page, ORG);
        assert_lacks(page, CERT_NO);
        assert_lacks(page, "Example CB");
        assert_lacks(page, "Mill Lane");
    }
    cs_verify_result_clear(&r);
    return page;
}

/* ---- fixtures ---------------------------------------------------------------------- */

static int group_setup(void **state)
{
    cs_key_t *pub = NULL;
    cs_accreditation_params ac, hostile;

    (void)state;
    if (cs_date_parse("2026-01-01", &F.ac_from) != CS_OK ||
        cs_date_parse("2031-01-01", &F.ac_to) != CS_OK ||
        cs_date_parse("2027-06-01T09:30:00Z", &F.now) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &F.ab) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &F.cb) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &F.attacker) != CS_OK)
        return -1;
    if (helper_public_copy(F.ab, &pub) != CS_OK || cs_trust_new(&F.trust) != CS_OK ||
        cs_trust_add_key(F.trust, &pub) != CS_OK)
        return -1;
    ac = make_ac("Example CB");
    hostile = make_ac(HOSTILE);
    if (cs_accreditation_sign(F.ab, &ac, &F.ac, &F.ac_len, NULL, 0) != CS_OK ||
        cs_accreditation_sign(F.ab, &hostile, &F.ac_hostile, &F.ac_hostile_len, NULL, 0) != CS_OK)
        return -1;
    F.ct = issue(F.ac, F.ac_len, false, CS_FORM_OFFLINE);
    F.ct_link = issue(F.ac, F.ac_len, false, CS_FORM_LINK);
    F.ct_hostile = issue(F.ac_hostile, F.ac_hostile_len, true, CS_FORM_OFFLINE);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(F.ct);
    free(F.ct_link);
    free(F.ct_hostile);
    free(F.ac);
    free(F.ac_hostile);
    cs_trust_free(&F.trust);
    cs_key_free(&F.ab);
    cs_key_free(&F.cb);
    cs_key_free(&F.attacker);
    return 0;
}

/* ---- the verdicts ------------------------------------------------------------------ */

static void test_valid(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, 0, 0);
    char *page;

    (void)state;
    page = render(v, F.ct_link, CS_VERDICT_VALID, "Valid certificate");
    assert_contains(page, "<div class=\"verdict ok\">");
    assert_contains(page, "<span class=\"mark\" aria-hidden=\"true\">\xe2\x9c\x93</span>");
    assert_contains(page, "<p>" ORG " is certified to ISO 9001:2015 by Example CB.</p>");
    assert_contains(page, "<dt>Organisation</dt><dd>" ORG "</dd>");
    assert_contains(page, "<dt>Country</dt><dd>GB</dd>");
    assert_contains(page, "<dt>Address</dt><dd>Unit 4, Riverside Park, Sheffield S9 2RX</dd>");
    assert_contains(page, "<dt>Standard</dt><dd>ISO 9001:2015</dd>");
    assert_contains(page, "<dt>Scope</dt><dd>Design, manufacture");
    assert_contains(page, "<li>1 Mill Lane, Leeds: Machining</li>");
    assert_contains(page, "<li>2 Dock Road, Hull: Dispatch</li>");
    assert_contains(page, "<dt>IAF sectors</dt><dd>17, 18</dd>");
    assert_contains(page, "<dt>Certificate number</dt><dd>" CERT_NO "</dd>");
    assert_contains(page, "<dt>Revision</dt><dd>2</dd>");
    assert_contains(page, "<dt>First granted</dt><dd>2019-03-14</dd>");
    assert_contains(page, "<dt>Issued</dt><dd>2026-11-21</dd>");
    assert_contains(page, "<dt>Valid until</dt><dd>2029-11-20</dd>");
    assert_contains(page, "<dt>Certificate status</dt><dd>valid</dd>");
    assert_contains(page, "<dt>Certification body</dt><dd>Example CB</dd>");
    assert_contains(page, "<dt>Identifier</dt><dd>cb.example</dd>");
    assert_contains(page, "<dt>Accreditation body</dt><dd>UKAS</dd>");
    assert_contains(page, "<dt>Accreditation status</dt><dd>valid</dd>");
    assert_contains(page, "<time datetime=\"2027-06-01T09:30:00Z\">2027-06-01 09:30:00 UTC</time>");
    assert_contains(page, "UTC</time>. Code form: link. All 19 checks passed.</p>");
    free(page);
    cs_verifier_free(&v);
}

static void test_status_verdicts(void **state)
{
    static const struct {
        int ac, ct;
        cs_verdict verdict;
        const char *headline, *tone, *says;
    } cases[] = {
        {0, 2, CS_VERDICT_SUSPENDED, "Suspended", "bad", "has suspended this certificate"},
        {0, 1, CS_VERDICT_WITHDRAWN, "Withdrawn", "bad", "has withdrawn this certificate"},
        {0, 3, CS_VERDICT_SUPERSEDED, "Replaced by a newer revision", "warn",
         "Ask the organisation for its current certificate"},
        {2, 0, CS_VERDICT_NOT_ACCREDITED, "Accreditation suspended", "bad",
         "has suspended the certification body"},
        {1, 0, CS_VERDICT_NOT_ACCREDITED, "Accreditation withdrawn", "bad",
         "has withdrawn the certification body"},
    };
    char tone[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cs_verifier_t *v = verifier(F.trust, F.now, cases[i].ac, cases[i].ct);
        char *page = render(v, F.ct, cases[i].verdict, cases[i].headline);
        snprintf(tone, sizeof(tone), "<div class=\"verdict %s\">", cases[i].tone);
        assert_contains(page, tone);
        assert_contains(page, cases[i].says);
        assert_contains(page, "<dt>Organisation</dt><dd>" ORG "</dd>");
        free(page);
        cs_verifier_free(&v);
    }
}

static void test_status_unknown(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, -1, -1);
    char *page;

    (void)state;
    cs_verifier_require_status(v, true);
    page = render(v, F.ct, CS_VERDICT_STATUS_UNKNOWN, "Status could not be checked");
    assert_contains(page, "<div class=\"verdict warn\">");
    assert_contains(page, "<span class=\"state fail\">fail</span><span><span "
                          "class=\"check\">certificate-status</span>");
    assert_contains(page, "<dt>Certificate status</dt><dd>unknown</dd>");
    free(page);
    cs_verifier_free(&v);
}

static void test_time_verdicts(void **state)
{
    cs_verifier_t *late = verifier(F.trust, date("2030-06-01"), -1, -1);
    cs_verifier_t *early = verifier(F.trust, date("2026-06-01"), -1, -1);
    char *page;

    (void)state;
    cs_verifier_set_status_optional(late, true); /* shows a check in the unknown state */
    page = render(late, F.ct, CS_VERDICT_EXPIRED, "Expired");
    assert_contains(page, "This certificate has expired: its last valid day was 2029-11-20.");
    assert_contains(page, "<span class=\"state unknown\">unknown</span>");
    free(page);
    page = render(early, F.ct, CS_VERDICT_NOT_YET_VALID, "Not yet valid");
    assert_contains(page, "This certificate only takes effect on 2026-11-21.");
    free(page);
    cs_verifier_free(&late);
    cs_verifier_free(&early);
}

static void test_not_accredited_for_standard(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, -1, -1);
    char *token = hand_signed(F.cb, "ISO 14001:2015"), *page;

    (void)state;
    page = render(v, token, CS_VERDICT_NOT_ACCREDITED, "Not accredited for this standard");
    assert_contains(page, "<dt>Standard</dt><dd>ISO 14001:2015</dd>");
    free(page);
    free(token);
    cs_verifier_free(&v);
}

/* Signed by a key nobody trusts, or forged: not a word of the token. */
static void test_not_genuine(void **state)
{
    cs_key_t *stranger = NULL, *pub = NULL;
    cs_trust_t *other = NULL;
    cs_verifier_t *v, *u;
    char *forged = hand_signed(F.attacker, "ISO 9001:2015"), *page;

    (void)state;
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &stranger), CS_OK);
    assert_int_equal(helper_public_copy(stranger, &pub), CS_OK);
    assert_int_equal(cs_trust_new(&other), CS_OK);
    assert_int_equal(cs_trust_add_key(other, &pub), CS_OK);
    u = verifier(other, F.now, -1, -1);
    page = render(u, F.ct, CS_VERDICT_UNTRUSTED, "Not genuine");
    assert_contains(page, "not issued under an accreditation body this service trusts");
    assert_contains(page, "<span class=\"state notrun\">not run</span>");
    free(page);
    page = render(u, F.ct_hostile, CS_VERDICT_UNTRUSTED, "Not genuine");
    assert_lacks(page, "quotes");
    free(page);

    v = verifier(F.trust, F.now, -1, -1);
    page = render(v, forged, CS_VERDICT_INVALID_SIGNATURE, "Not genuine");
    assert_contains(page, "altered or forged");
    free(page);

    cs_verifier_free(&u);
    cs_verifier_free(&v);
    cs_trust_free(&other);
    cs_key_free(&stranger);
    free(forged);
}

static void test_malformed(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, -1, -1);
    char *page;

    (void)state;
    page = render(v, "CS1:NOT A TOKEN", CS_VERDICT_MALFORMED, "Not a certificate code");
    assert_contains(page, "could not be read");
    free(page);
    page = render(v, "<b>hello</b>", CS_VERDICT_MALFORMED, "Not a certificate code");
    assert_lacks(page, "<b>");
    assert_contains(page, "Code form: not recognised. 1 failed, 18 not run.</p>");
    free(page);
    cs_verifier_free(&v);
}

/* ---- escaping ---------------------------------------------------------------------- */

static void test_hostile_fields_escaped(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, 0, 0);
    char *page;

    (void)state;
    page = render(v, F.ct_hostile, CS_VERDICT_VALID, "Valid certificate");
    assert_lacks(page, "<script>");
    assert_lacks(page, "alert(\"x\")");
    assert_lacks(page, "'quotes'");
    assert_contains(page, "<p>" HOSTILE_ESCAPED " is certified to ISO 9001:2015 by " HOSTILE_ESCAPED
                          ".</p>");
    assert_contains(page, "<dt>Organisation</dt><dd>" HOSTILE_ESCAPED "</dd>");
    assert_contains(page, "<dt>Address</dt><dd>" HOSTILE_ESCAPED "</dd>");
    assert_contains(page, "<dt>Scope</dt><dd>" HOSTILE_ESCAPED "</dd>");
    assert_contains(page, "<dt>Certificate number</dt><dd>" HOSTILE_ESCAPED "</dd>");
    assert_contains(page, "<li>" HOSTILE_ESCAPED ": " HOSTILE_ESCAPED "</li>");
    assert_contains(page, "<dt>Certification body</dt><dd>" HOSTILE_ESCAPED "</dd>");
    free(page);
    cs_verifier_free(&v);
}

static void test_escape_text(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"plain text", "plain text"},
        {"a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f"},
        {"tab\tline\nend", "tab\tline\nend"},
        {"bell\x07 esc\x1b[31m cr\r del\x7f", "bell esc[31m cr del"},
        {"c1 \xc2\x85\xc2\x9b end", "c1  end"},
        {"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"},
        {"cut \xe2\x9c", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"overlong \xc0\xbc", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
        {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xff<", "\xef\xbf\xbd&lt;"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cs_html_buffer b = CS_HTML_BUFFER_INIT;
        char *out = NULL;
        cs_html_buffer_append(&b, "[");
        cs_html_buffer_append_text(&b, cases[i].in);
        cs_html_buffer_append_text(&b, NULL);
        cs_html_buffer_append(&b, "]");
        assert_int_equal(cs_html_buffer_take(&b, &out), CS_OK);
        assert_int_equal(strlen(out), strlen(cases[i].out) + 2);
        assert_memory_equal(out + 1, cases[i].out, strlen(cases[i].out));
        free(out);
    }
}

static void test_buffer_grows(void **state)
{
    cs_html_buffer b = CS_HTML_BUFFER_INIT;
    char *out = NULL;

    (void)state;
    for (int i = 0; i < 5000; i++)
        cs_html_buffer_append_text(&b, "<&>");
    cs_html_buffer_append_uint(&b, 0);
    cs_html_buffer_append_uint(&b, UINT64_MAX);
    assert_int_equal(cs_html_buffer_take(&b, &out), CS_OK);
    assert_int_equal(strlen(out), 5000 * 13 + 1 + 20);
    assert_int_equal(strncmp(out + 5000 * 13, "018446744073709551615", 21), 0);
    free(out);
    assert_null(b.data);

    /* A failed buffer hands over nothing. */
    cs_html_buffer_append(&b, "x");
    b.failed = true;
    cs_html_buffer_append(&b, "y");
    assert_int_equal(cs_html_buffer_take(&b, &out), CS_ERR_NO_MEMORY);
    assert_null(out);
    assert_null(b.data);
}

static void test_message_page(void **state)
{
    char *page = NULL;

    (void)state;
    assert_int_equal(cs_report_message_html("Not found <here>",
                                            "No \x01page at \"/x\" & <script>y</script>", &page),
                     CS_OK);
    assert_shell(page, "Not found &lt;here&gt;");
    assert_contains(page, "<p>No page at &quot;/x&quot; &amp; &lt;script&gt;y&lt;/script&gt;</p>");
    assert_lacks(page, "\x01");
    assert_contains(page, "<footer>\n<p>certseal certificate verification</p>");
    free(page);
}

/* ---- the policy ---------------------------------------------------------------------- */

static void base64(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < len ? in[i + 2] : 0);
        out[n++] = digits[v >> 18 & 63];
        out[n++] = digits[v >> 12 & 63];
        out[n++] = i + 1 < len ? digits[v >> 6 & 63] : '=';
        out[n++] = i + 2 < len ? digits[v & 63] : '=';
    }
    out[n] = '\0';
}

/* The policy names the SHA-256 of the style element of page exactly. */
static void assert_policy_fits(const char *page)
{
    const char *start = strstr(page, "<style>"), *end;
    uint8_t digest[CS_SHA256_SIZE];
    char hash[48], want[512];

    assert_non_null(start);
    start += strlen("<style>");
    assert_non_null(end = strstr(start, "</style>"));
    assert_int_equal(cs_crypto_sha256(start, (size_t)(end - start), digest), CS_OK);
    base64(digest, sizeof(digest), hash);
    snprintf(want, sizeof(want),
             "default-src 'none'; style-src 'sha256-%s'; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'none'",
             hash);
    if (strcmp(cs_report_html_policy(), want) != 0)
        fail_msg("the style changed: its hash is now sha256-%s (update PAGE_POLICY in "
                 "pkg/report_html.c)",
                 hash);
}

static void test_policy_hash(void **state)
{
    uint8_t digest[CS_SHA256_SIZE];
    char hash[48];
    cs_verifier_t *v = verifier(F.trust, F.now, 0, 0);
    char *page = NULL;

    (void)state;
    /* The base64 above, on the empty string (RFC 4648 §10 has no SHA-256
     * vector; this one is well known). */
    assert_int_equal(cs_crypto_sha256("", 0, digest), CS_OK);
    base64(digest, sizeof(digest), hash);
    assert_string_equal(hash, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    base64((const uint8_t *)"fo", 2, hash);
    assert_string_equal(hash, "Zm8=");

    page = render(v, F.ct, CS_VERDICT_VALID, "Valid certificate");
    assert_policy_fits(page);
    free(page);
    assert_int_equal(cs_report_message_html("t", "m", &page), CS_OK);
    assert_policy_fits(page);
    free(page);
    cs_verifier_free(&v);
}

/* ---- the pages of an upload ------------------------------------------------------- */

/* Every code of an uploaded file on one page, in order, each headed by where
 * it was found; the file's name and the places escaped. */
static void test_found_page(void **state)
{
    cs_verifier_t *v = verifier(F.trust, F.now, 0, 0);
    cs_verify_result r[2];
    cs_report_found found[2];
    char *page = NULL;
    const char *first, *second;

    (void)state;
    assert_int_equal(cs_verifier_verify(v, (const uint8_t *)F.ct, strlen(F.ct), &r[0]), CS_OK);
    assert_int_equal(cs_verifier_verify(v, (const uint8_t *)"CS1:NOPE", 8, &r[1]), CS_OK);
    assert_int_equal(r[0].verdict, CS_VERDICT_VALID);
    assert_int_equal(r[1].verdict, CS_VERDICT_MALFORMED);
    found[0] = (cs_report_found){&r[0], "page 1 (embedded image)"};
    found[1] = (cs_report_found){&r[1], "page <2> & \"3\""};

    assert_int_equal(cs_report_verify_html_found("<b>cert</b>.pdf", found, 2, &page), CS_OK);
    assert_contains(page, "<title>Certificate codes found \xe2\x80\x93 certseal</title>");
    assert_contains(page, "<h1>2 certificate codes found in &lt;b&gt;cert&lt;/b&gt;.pdf</h1>");
    assert_non_null(first = strstr(page, "<p class=\"found\">Code 1 of 2: page 1 (embedded "
                                         "image)</p>"));
    assert_non_null(second = strstr(page, "<p class=\"found\">Code 2 of 2: page &lt;2&gt; "
                                          "&amp; &quot;3&quot;</p>"));
    assert_true(first < second);
    assert_contains(first, "<h2>Valid certificate</h2>");
    assert_contains(second, "<h2>Not a certificate code</h2>");
    assert_contains(page, "<dt>Organisation</dt><dd>" ORG "</dd>");
    assert_lacks(page, "<b>");
    assert_lacks(page, "<script");
    free(page);

    /* One code: the token's own page, and where it was found. */
    assert_int_equal(cs_report_verify_html_found("photo.jpg", found, 1, &page), CS_OK);
    assert_contains(page, "<title>Valid certificate \xe2\x80\x93 certseal</title>");
    assert_contains(page, "<p class=\"found\">Found in photo.jpg: page 1 (embedded image)</p>");
    assert_contains(page, "<h1>Valid certificate</h1>");
    free(page);

    page = (char *)"untouched";
    assert_int_equal(cs_report_verify_html_found("x", found, 0, &page), CS_ERR_ARGUMENT);
    assert_null(page);
    assert_int_equal(cs_report_verify_html_found(NULL, found, 1, &page), CS_ERR_ARGUMENT);
    found[1].place = NULL;
    assert_int_equal(cs_report_verify_html_found("x", found, 2, &page), CS_ERR_ARGUMENT);
    assert_null(page);
    cs_verify_result_clear(&r[0]);
    cs_verify_result_clear(&r[1]);
    cs_verifier_free(&v);
}

/* The front page's form: no script, one file field, posted to the service
 * itself as multipart/form-data, under a policy that allows just that. */
static void test_front_page(void **state)
{
    char *page = NULL;

    (void)state;
    assert_int_equal(
        cs_report_front_html("Service <x>", "Scan & check", "At most \"64\" MiB", &page), CS_OK);
    assert_contains(page, "<h1>Service &lt;x&gt;</h1>\n<p>Scan &amp; check</p>");
    assert_contains(page, "<form method=\"post\" action=\"/\" "
                          "enctype=\"multipart/form-data\">");
    assert_contains(page, "<input type=\"file\" id=\"file\" name=\"file\" required");
    assert_contains(page, "<p class=\"meta\">At most &quot;64&quot; MiB</p>");
    assert_lacks(page, "<script");
    free(page);
    assert_contains(cs_report_html_form_policy(), "form-action 'self'");
    assert_lacks(cs_report_html_form_policy(), "form-action 'none'");
    assert_contains(cs_report_html_policy(), "form-action 'none'");
    page = (char *)"untouched";
    assert_int_equal(cs_report_front_html("t", "m", NULL, &page), CS_ERR_ARGUMENT);
    assert_null(page);
}

static void test_arguments(void **state)
{
    cs_verify_result r;
    char *page = (char *)"untouched";

    (void)state;
    memset(&r, 0, sizeof(r));
    assert_int_equal(cs_report_verify_html(NULL, &page), CS_ERR_ARGUMENT);
    assert_null(page);
    assert_int_equal(cs_report_verify_html(&r, NULL), CS_ERR_ARGUMENT);
    page = (char *)"untouched";
    assert_int_equal(cs_report_message_html(NULL, "m", &page), CS_ERR_ARGUMENT);
    assert_null(page);
    assert_int_equal(cs_report_message_html("t", NULL, &page), CS_ERR_ARGUMENT);
    assert_int_equal(cs_report_message_html("t", "m", NULL), CS_ERR_ARGUMENT);

    /* A zeroed result (nothing decoded) still renders, showing nothing. */
    r.verdict = CS_VERDICT_MALFORMED;
    assert_int_equal(cs_report_verify_html(&r, &page), CS_OK);
    assert_shell(page, "Not a certificate code");
    assert_lacks(page, "<dl>");
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_status_verdicts),
        cmocka_unit_test(test_status_unknown),
        cmocka_unit_test(test_time_verdicts),
        cmocka_unit_test(test_not_accredited_for_standard),
        cmocka_unit_test(test_not_genuine),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_hostile_fields_escaped),
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_buffer_grows),
        cmocka_unit_test(test_message_page),
        cmocka_unit_test(test_policy_hash),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_found_page),
        cmocka_unit_test(test_front_page),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
