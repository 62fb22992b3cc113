/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_qr_corpus.c - `make bench`, section (d2): how large
 * realistic tokens are.
 *
 *   corpus   1,000 records generated here from a fixed seed: organisation
 *            names in many scripts (Latin with accents, Greek, Cyrillic,
 *            Arabic, Hebrew, Chinese, Japanese, Devanagari, Thai), 0-5
 *            sites, scopes of 80-600 characters, a status reference at a
 *            30-character URI, the demo AC embedded.  Each is issued
 *            (EdDSA, offline form) and its QR version at error correction
 *            M found: median, 90th and 99th percentile, the largest, and
 *            how many need more than version 25 (where `certseal issue`
 *            warns).
 *   smaller  The same COSE bytes compressed with a zlib preset dictionary
 *            (RFC 1950 FDICT) of the words certificate records repeat:
 *            the CBOR of the claim keys, the demo AB's and CB's fixed
 *            texts are NOT in it (they differ per body), only what every
 *            certseal token shares.  Reported as bytes and QR versions
 *            against plain level-9 zlib, to weigh a format change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bench.h"

#define CORPUS_SIZE 1000
#define CORPUS_SEED 0x2026c0deu
#define WARN_VERSION 25
#define STATUS_URI_FORMAT "https://cb.example.org/s/%05u" /* 30 characters */

/* ---- a deterministic generator ------------------------------------------------ */

static uint64_t corpus_state = CORPUS_SEED;

static uint32_t next_random(void)
{
    corpus_state ^= corpus_state << 13;
    corpus_state ^= corpus_state >> 7;
    corpus_state ^= corpus_state << 17;
    return (uint32_t)(corpus_state >> 16);
}

static size_t pick(size_t n)
{
    return next_random() % n;
}

#define PICK(list) (list)[pick(sizeof(list) / sizeof((list)[0]))]

static const char *const NAMES[] = {
    "Brightwater Castings Ltd",
    "Nordlicht Logistik GmbH & Co. KG",
    "Société Générale de Mécanique Précise SAS",
    "Fundición y Estampación Ibérica, S.L.",
    "Øresund Emballage ApS",
    "Łódzkie Zakłady Włókiennicze Sp. z o.o.",
    "Ελληνικά Τρόφιμα Α.Ε.",
    "ООО «Северный Металлургический Завод»",
    "شركة الخليج للصناعات البلاستيكية",
    "חברת הנדסה מתקדמת בע\"מ",
    "上海精密机械制造有限公司",
    "株式会社東京精密部品製作所",
    "भारत इंजीनियरिंग वर्क्स प्राइवेट लिमिटेड",
    "บริษัท ไทยอุตสาหกรรมอาหาร จำกัด",
    "Türkiye Otomotiv Yan Sanayi A.Ş.",
    "Companhia Brasileira de Embalagens Ltda.",
};

static const char *const CITIES[] = {
    "12 Foundry Lane, Rotherham S60 1AA",
    "Hafenstraße 12, 28217 Bremen",
    "14 rue des Ateliers, 69007 Lyon",
    "Polígono Industrial Norte, Nave 7, 48160 Derio",
    "ul. Piotrkowska 120, 90-006 Łódź",
    "Λεωφόρος Κηφισίας 44, 151 25 Μαρούσι",
    "ул. Заводская, д. 5, Череповец 162600",
    "المنطقة الصناعية الثانية، الدمام 32241",
    "רחוב התעשייה 8, חיפה 3508409",
    "上海市浦东新区张江路88号",
    "東京都大田区下丸子3-20-1",
    "प्लॉट 21, एमआईडीसी, पुणे 411026",
    "99 ถนนบางนา-ตราด กรุงเทพฯ 10260",
};

static const char *const SCOPE_WORDS[] = {
    "design",       "development",  "manufacture",  "production",   "supply",
    "distribution", "installation", "maintenance",  "repair",       "servicing",
    "testing",      "calibration",  "inspection",   "assembly",     "machining",
    "fabrication",  "welding",      "casting",      "moulding",     "packaging",
    "warehousing",  "storage",      "transport",    "logistics",    "software",
    "consultancy",  "training",     "engineering",  "construction", "cleaning",
    "of",           "and",          "for",          "the",          "in",
    "precision",    "components",   "systems",      "equipment",    "products",
    "services",     "industrial",   "commercial",   "medical",      "automotive",
    "aerospace",    "electrical",   "electronic",   "mechanical",   "plastic",
    "steel",        "aluminium",    "food",         "chemical",     "customers",
};

/* The dictionary's words: written separately from SCOPE_WORDS (the words
 * most certificate scopes use), so that the corpus does not consist of
 * the dictionary; about half of SCOPE_WORDS is not in it. */
static const char *const DICTIONARY_WORDS[] = {
    "provision", "management", "supply",     "installation", "maintenance", "manufacture",
    "design",    "development", "products",  "components",   "equipment",   "systems",
    "services",  "including",  "related",    "of the",       " and ",       " for ",
};

static const char *const STANDARDS[] = {"ISO 9001:2015", "ISO 14001:2015"};

/* A scope of about target characters from SCOPE_WORDS, ending with '.'. */
static char *make_scope(size_t target)
{
    char *scope = malloc(target + 32);
    size_t len = 0;

    if (scope == NULL)
        bench_fatal("out of memory");
    while (len < target) {
        const char *word = PICK(SCOPE_WORDS);
        size_t n = strlen(word);
        if (len > 0 && pick(9) == 0)
            scope[len++] = ',';
        if (len > 0)
            scope[len++] = ' ';
        memcpy(scope + len, word, n);
        len += n;
    }
    scope[0] = (char)(scope[0] - 'a' + 'A');
    scope[len++] = '.';
    scope[len] = '\0';
    return scope;
}

static char *copy(const char *text)
{
    char *c = strdup(text);
    if (c == NULL)
        bench_fatal("out of memory");
    return c;
}

static void make_record(size_t i, int64_t issued_at, cs_certificate *cert)
{
    char number[32], uri[40];
    static uint64_t iaf[] = {17};

    memset(cert, 0, sizeof(*cert));
    snprintf(number, sizeof(number), "CB-%s-2026-%06zu", pick(2) ? "Q" : "E", i + 1);
    cert->number = copy(number);
    if ((cert->standards = calloc(1, sizeof(char *))) == NULL)
        bench_fatal("out of memory");
    cert->standards[0] = copy(PICK(STANDARDS));
    cert->standard_count = 1;
    cert->organization_name = copy(PICK(NAMES));
    cert->organization_country = copy("GB");
    cert->organization_address = copy(PICK(CITIES));
    cert->scope = make_scope(80 + pick(521));
    cert->site_count = pick(6);
    if (cert->site_count > 0 && (cert->sites = calloc(cert->site_count, sizeof(cs_site))) == NULL)
        bench_fatal("out of memory");
    for (size_t s = 0; s < cert->site_count; s++) {
        cert->sites[s].address = copy(PICK(CITIES));
        cert->sites[s].scope = make_scope(20 + pick(100));
    }
    if (pick(2) == 0) {
        cert->iaf_codes = malloc(sizeof(iaf));
        if (cert->iaf_codes == NULL)
            bench_fatal("out of memory");
        memcpy(cert->iaf_codes, iaf, sizeof(iaf));
        cert->iaf_count = 1;
    }
    cert->original_grant = issued_at - (int64_t)pick(3000) * 86400;
    cert->issued_at = issued_at;
    cert->expires = issued_at + 1095 * 86400;
    snprintf(uri, sizeof(uri), STATUS_URI_FORMAT, (unsigned)pick(100000));
    cert->status = (cs_status_ref){.present = true, .index = pick(1u << 20), .uri = copy(uri)};
}

/* ---- the preset dictionary ------------------------------------------------------ */

/*
 * What every certseal token shares, most frequent last (zlib matches the
 * end of a dictionary at the shortest distances): the COSE and CWT
 * structure, the claim map's text keys, the standards' designations, the
 * status claim, and words scopes are often written in (DICTIONARY_WORDS).
 */
static size_t build_dictionary(uint8_t *out, size_t size)
{
    static const char *const parts[] = {
        "https://", ".example.org/s/", "ISO 45001:2018", "ISO/IEC 27001:2022",
        "ISO 14001:2015", "ISO 9001:2015", "status_list", "idx", "uri",
    };
    size_t len = 0;

    for (size_t i = 0; i < sizeof(DICTIONARY_WORDS) / sizeof(DICTIONARY_WORDS[0]); i++) {
        size_t n = strlen(DICTIONARY_WORDS[i]);
        if (len + n + 1 > size)
            break;
        memcpy(out + len, DICTIONARY_WORDS[i], n);
        len += n;
        out[len++] = ' ';
    }
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t n = strlen(parts[i]);
        if (len + n > size)
            break;
        memcpy(out + len, parts[i], n);
        len += n;
    }
    /* The private claim labels and map keys as CBOR: -65537 (0x3a 0x00 0x01
     * 0x00 0x00), "std" "org" "nam" "ctr" "adr" "scp" "sit" "iaf" "grt"
     * "rev" "acc", the cs-cert and cs-accr types. */
    static const uint8_t cbor[] = {
        0xd2, 0x84, 0x58, 0x3a, 0x00, 0x01, 0x00, 0x00, 0x63, 's', 't', 'd', 0x63, 'o', 'r',
        'g',  0x63, 'n',  'a',  'm',  0x63, 'c',  't',  'r',  0x63, 'a',  'd',  'r',  0x63, 's',
        'c',  'p',  0x63, 's',  'i',  't',  0x63, 'i',  'a',  'f',  0x63, 'g',  'r',  't',  0x63,
        'r',  'e',  'v',  0x63, 'a',  'c',  'c',  0x67, 'c',  's',  '-',  'c',  'e',  'r',  't',
        0x67, 'c',  's',  '-',  'a',  'c',  'c',  'r',  0x63, 'n',  'a',  'm',  0x62, 'n',  'o',
    };
    if (len + sizeof(cbor) <= size) {
        memcpy(out + len, cbor, sizeof(cbor));
        len += sizeof(cbor);
    }
    return len;
}

/* zlib level 9 of data, with the dictionary when dict_len > 0: the
 * compressed size. */
static size_t deflated_size(const uint8_t *data, size_t len, const uint8_t *dict, size_t dict_len,
                            uint8_t *out, size_t out_size)
{
    z_stream z = {0};
    size_t n;

    if (deflateInit(&z, 9) != Z_OK ||
        (dict_len > 0 && deflateSetDictionary(&z, dict, (uInt)dict_len) != Z_OK))
        bench_fatal("zlib cannot start");
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)out_size;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        bench_fatal("zlib: output larger than %zu bytes", out_size);
    n = z.total_out;
    deflateEnd(&z);
    return n;
}

/* The QR version at M of an offline token whose payload is n bytes:
 * "CS1:" and base45 (3 characters per 2 bytes, 2 for a last odd byte). */
static int version_for_payload(size_t n)
{
    size_t chars = 4 + n / 2 * 3 + (n % 2) * 2;
    char *text = malloc(chars + 1);
    int version = 0, modules = 0;

    if (text == NULL)
        bench_fatal("out of memory");
    memcpy(text, "CS1:", 4);
    memset(text + 4, 'A', chars - 4);
    text[chars] = '\0';
    if (cs_qr_version(text, CS_QR_ECC_M, &version, &modules) != CS_OK)
        version = 41;
    free(text);
    return version;
}

/* ---- the figures ---------------------------------------------------------------- */

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static void print_versions(const char *what, int *versions, size_t n)
{
    size_t over = 0;
    qsort(versions, n, sizeof(int), compare_int);
    for (size_t i = 0; i < n; i++)
        over += versions[i] > WARN_VERSION;
    printf("  %-30s QR version at M: median %d, p90 %d, p99 %d, largest %d; above %d: %zu of "
           "%zu\n",
           what, versions[n / 2], versions[n * 9 / 10], versions[n * 99 / 100], versions[n - 1],
           WARN_VERSION, over, n);
}

void bench_qr_corpus(const char *dir, fixture *fixtures, size_t count)
{
    bench_issuer b;
    static int versions[CORPUS_SIZE], dict_versions[CORPUS_SIZE];
    static size_t plain[CORPUS_SIZE], with_dict[CORPUS_SIZE];
    uint8_t dict[2048], *buffer;
    size_t dict_len = build_dictionary(dict, sizeof(dict)), buffer_size = 64 * 1024;
    double plain_total = 0, dict_total = 0;

    (void)dir, (void)count;
    if ((buffer = malloc(buffer_size)) == NULL)
        bench_fatal("out of memory");
    bench_issuer_init(&b, CS_ALG_EDDSA);
    printf("\n(d2) realistic tokens: %d generated records (many scripts, 0-5 sites, scopes of "
           "80-600 characters, 30-character status URIs), EdDSA, offline form\n",
           CORPUS_SIZE);
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        cs_certificate cert;
        const char *token;
        size_t token_len, cose_len;
        char detail[CS_DETAIL_SIZE] = "";
        int modules;

        make_record(i, fixtures[0].cert.issued_at, &cert);
        if (cs_issuer_issue(b.issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &token_len, detail,
                            sizeof(detail)) != CS_OK)
            bench_fatal("corpus record %zu does not issue: %s", i + 1, detail);
        if (cs_qr_version(token, CS_QR_ECC_M, &versions[i], &modules) != CS_OK)
            versions[i] = 41;
        const uint8_t *cose = cs_issuer_last_cose(b.issuer, &cose_len);
        plain[i] = deflated_size(cose, cose_len, NULL, 0, buffer, buffer_size);
        with_dict[i] = deflated_size(cose, cose_len, dict, dict_len, buffer, buffer_size);
        dict_versions[i] = version_for_payload(with_dict[i]);
        plain_total += (double)plain[i];
        dict_total += (double)with_dict[i];
        cs_certificate_clear(&cert);
    }
    print_versions("as issued (zlib level 9)", versions, CORPUS_SIZE);
    print_versions("with a preset dictionary", dict_versions, CORPUS_SIZE);
    qsort(plain, CORPUS_SIZE, sizeof(size_t), compare_size);
    qsort(with_dict, CORPUS_SIZE, sizeof(size_t), compare_size);
    printf("  compressed payload: median %zu B plain, %zu B with the %zu-byte dictionary "
           "(%.1f%% smaller on average)\n",
           plain[CORPUS_SIZE / 2], with_dict[CORPUS_SIZE / 2], dict_len,
           100.0 * (1.0 - dict_total / plain_total));
    bench_issuer_free(&b);
    free(buffer);
}
