/* SPDX-License-Identifier: ISC */
/*
 * Key changes (DESIGN §2 step 6, §3, §5) through the library: a CB
 * registry rekeys with the credential the AB issued for its new key, what
 * the old key issued stays VALID and its status lists, now signed by the
 * new key and carrying its credential, still suspend it; lists signed by a
 * key accredited for another CB or under another number are refused;
 * reissue renews everything once; an AB registry holds one current
 * credential per CB key under a number and supersedes one; and registries
 * written with schema 1 (tests/fixtures/registry-v1) open migrated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "registry_db.h"
#include "test_registry_world.h"

static registry_world W;

#define LIST_IAT "2027-05-31"

static int group_setup(void **state)
{
    (void)state;
    return world_setup(&W);
}

static int group_teardown(void **state)
{
    (void)state;
    world_teardown(&W);
    return 0;
}

static char *path_in_dir(const char *name)
{
    static char paths[8][400];
    static unsigned next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof(paths[0]), "%s/%s", W.dir, name);
    return path;
}

static void expect(cs_err got, cs_err want, const char *detail, const char *needle)
{
    if (got != want)
        print_message("got %s, want %s: %s\n", cs_err_name(got), cs_err_name(want), detail);
    assert_int_equal(got, want);
    if (needle != NULL) {
        if (strstr(detail, needle) == NULL)
            print_message("detail \"%s\" lacks \"%s\"\n", detail, needle);
        assert_non_null(strstr(detail, needle));
    }
}

/* The world's credential again, for key (and with the changes given). */
static void sign_ac(const cs_key_t *key, const char *subject, const char *number, uint8_t **out,
                    size_t *out_len)
{
    cs_cose_sign1 msg = {0};
    cs_accreditation ac = {0};
    cs_accreditation_params p;
    assert_int_equal(cs_cose_sign1_decode(W.ac, W.ac_len, &msg), CS_OK);
    assert_int_equal(cs_accreditation_decode_claims(msg.payload, msg.payload_len, &ac, NULL, 0),
                     CS_OK);
    cs_accreditation_params_of(&ac, &p);
    p.subject_key = key;
    if (subject != NULL)
        p.subject = subject;
    if (number != NULL)
        p.number = number;
    assert_int_equal(cs_accreditation_sign(W.ab, &p, out, out_len, NULL, 0), CS_OK);
    cs_accreditation_clear(&ac);
    cs_cose_sign1_clear(&msg);
}

static const char *issue(cs_registry_t *r, cs_issuer_t *issuer, const char *number)
{
    cs_certificate cert;
    const char *token = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(world_cert(&cert, number), CS_OK);
    cs_err err = cs_registry_issue_certificate(r, issuer, &cert, NULL, CS_FORM_OFFLINE, NULL,
                                               &token, &len, detail, sizeof(detail));
    expect(err, CS_OK, detail, NULL);
    cs_certificate_clear(&cert);
    return token;
}

/* Verifies token at the world's time with the status lists given. */
static cs_verdict verdict_with(const char *token, const char *const *lists, size_t count,
                               char *detail, size_t size)
{
    cs_verifier_t *v = NULL;
    cs_verify_result result;
    assert_int_equal(cs_verifier_new(W.trust, &v), CS_OK);
    cs_verifier_set_time(v, world_date("2027-06-01"));
    for (size_t i = 0; i < count; i++) {
        uint8_t *data = NULL;
        size_t len = 0;
        assert_int_equal(cs_file_read_all(lists[i], CS_STATUS_TOKEN_MAX, &data, &len), CS_OK);
        assert_int_equal(cs_verifier_add_status_list(v, data, len, NULL, 0), CS_OK);
        free(data);
    }
    assert_int_equal(cs_verifier_verify(v, (const uint8_t *)token, strlen(token), &result), CS_OK);
    snprintf(detail, size, "%s", result.checks[CS_CHECK_CT_STATUS].detail);
    cs_verdict verdict = result.verdict;
    cs_verify_result_clear(&result);
    cs_verifier_free(&v);
    return verdict;
}

/* A status list for STATUS_URI, all valid, signed by key and carrying ac. */
static void rogue_list(const cs_key_t *key, const uint8_t *ac, size_t ac_len, const char *path)
{
    cs_status_list_t *list = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    cs_status_token_params params = {
        STATUS_URI, world_date(LIST_IAT), world_date(LIST_IAT) + 7 * 86400, 0, ac, ac_len};
    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, CS_STATUS_BITS, &list), CS_OK);
    assert_int_equal(cs_status_token_sign(key, list, &params, &out, &len), CS_OK);
    assert_int_equal(cs_file_write_atomic(path, out, len, 0644, CS_FILE_REPLACE), CS_OK);
    free(out);
    cs_status_list_free(&list);
}

static void test_cb_rekey(void **state)
{
    (void)state;
    cs_registry_settings s = world_cb_settings(&W, CS_STATUS_LIST_MIN);
    cs_registry_t *r = NULL;
    cs_key_t *cb2 = NULL, *cb3 = NULL;
    cs_issuer_t *issuer2 = NULL;
    uint8_t *ac2 = NULL, *ac_other_cb = NULL, *ac_other_no = NULL;
    size_t ac2_len = 0, ac_other_cb_len = 0, ac_other_no_len = 0, reissued = 9;
    char detail[CS_DETAIL_SIZE] = "";
    const char *list = path_in_dir("rekey.list");
    const char *lists[] = {list};

    assert_int_equal(cs_registry_create(path_in_dir("rekey.db"), &s, &r, detail, sizeof(detail)),
                     CS_OK);
    char *old1 = strdup(issue(r, W.issuer, "K-1"));
    char *old2 = strdup(issue(r, W.issuer, "K-2"));
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &cb2), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &cb3), CS_OK);
    sign_ac(cb2, NULL, NULL, &ac2, &ac2_len);
    sign_ac(cb3, "other-cb.example", NULL, &ac_other_cb, &ac_other_cb_len);
    sign_ac(cb3, NULL, "UKAS-0099", &ac_other_no, &ac_other_no_len);

    /* The rules of the new credential. */
    expect(cs_registry_rekey(r, cb3, "cb3.key", ac2, ac2_len, NULL, detail, sizeof(detail)),
           CS_ERR_REKEY_MISMATCH, detail, "not the new key");
    expect(cs_registry_rekey(r, cb3, "cb3.key", ac_other_cb, ac_other_cb_len, NULL, detail,
                             sizeof(detail)),
           CS_ERR_REKEY_MISMATCH, detail, "other-cb.example");
    expect(cs_registry_rekey(r, cb3, "cb3.key", ac_other_no, ac_other_no_len, NULL, detail,
                             sizeof(detail)),
           CS_ERR_REKEY_MISMATCH, detail, "UKAS-0099");
    expect(cs_registry_rekey(r, W.cb, "cb.key", W.ac, W.ac_len, NULL, detail, sizeof(detail)),
           CS_ERR_REKEY_MISMATCH, detail, "already");
    expect(cs_registry_rekey(r, cb2, "cb2.key", NULL, 0, NULL, detail, sizeof(detail)),
           CS_ERR_ARGUMENT, detail, NULL);
    cs_registry_actor actor = {"officer", "annual rotation"};
    expect(cs_registry_rekey(r, cb2, "cb2.key", ac2, ac2_len, &actor, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    assert_string_equal(cs_registry_key_path(r), "cb2.key");
    size_t len = 0;
    assert_memory_equal(cs_registry_accreditation(r, &len), ac2, ac2_len);

    /* The old issuer no longer issues; the new one does. */
    cs_certificate cert;
    const char *token = NULL;
    assert_int_equal(world_cert(&cert, "K-3"), CS_OK);
    expect(cs_registry_issue_certificate(r, W.issuer, &cert, NULL, CS_FORM_OFFLINE, NULL, &token,
                                         &len, detail, sizeof(detail)),
           CS_ERR_KEY_NOT_ACCREDITED, detail, NULL);
    cs_certificate_clear(&cert);
    assert_int_equal(cs_issuer_new(cb2, ac2, ac2_len, &issuer2, detail, sizeof(detail)), CS_OK);
    char *new3 = strdup(issue(r, issuer2, "K-3"));

    /* Lists signed by the new key speak for the old key's certificates. */
    assert_int_equal(cs_registry_change_status(r, "K-2", CS_REGISTRY_SUSPEND, NULL, NULL, detail,
                                               sizeof(detail)),
                     CS_OK);
    expect(cs_registry_publish(r, W.cb, list, world_date(LIST_IAT), 7 * 86400, 0, detail,
                               sizeof(detail)),
           CS_ERR_ARGUMENT, detail, NULL);
    assert_int_equal(cs_registry_publish(r, cb2, list, world_date(LIST_IAT), 7 * 86400, 0, detail,
                                         sizeof(detail)),
                     CS_OK);
    assert_int_equal(verdict_with(old1, lists, 1, detail, sizeof(detail)), CS_VERDICT_VALID);
    assert_non_null(strstr(detail, "other key"));
    assert_int_equal(verdict_with(old2, lists, 1, detail, sizeof(detail)), CS_VERDICT_SUSPENDED);
    assert_int_equal(verdict_with(new3, lists, 1, detail, sizeof(detail)), CS_VERDICT_VALID);
    assert_null(strstr(detail, "other key"));

    /* Keys accredited for another CB, or under another number, sign nothing of
     * this CB's; nor does a list that carries no credential. */
    rogue_list(cb3, ac_other_cb, ac_other_cb_len, list);
    assert_int_equal(verdict_with(old1, lists, 1, detail, sizeof(detail)),
                     CS_VERDICT_STATUS_UNKNOWN);
    assert_non_null(strstr(detail, "another certification body"));
    rogue_list(cb3, ac_other_no, ac_other_no_len, list);
    assert_int_equal(verdict_with(old1, lists, 1, detail, sizeof(detail)),
                     CS_VERDICT_STATUS_UNKNOWN);
    assert_non_null(strstr(detail, "UKAS-0099"));
    rogue_list(cb2, NULL, 0, list);
    assert_int_equal(verdict_with(old1, lists, 1, detail, sizeof(detail)),
                     CS_VERDICT_STATUS_UNKNOWN);
    /* The new key's credential, but the list signed by another key. */
    rogue_list(cb3, ac2, ac2_len, list);
    assert_int_equal(verdict_with(old1, lists, 1, detail, sizeof(detail)),
                     CS_VERDICT_STATUS_UNKNOWN);
    /* A list signed before the new credential was valid. */
    {
        cs_status_list_t *l = NULL;
        uint8_t *out = NULL;
        cs_status_token_params params = {
            STATUS_URI, world_date("2025-12-01"), world_date("2028-01-01"), 0, ac2, ac2_len};
        assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, CS_STATUS_BITS, &l), CS_OK);
        assert_int_equal(cs_status_token_sign(cb2, l, &params, &out, &len), CS_OK);
        assert_int_equal(cs_file_write_atomic(list, out, len, 0644, CS_FILE_REPLACE), CS_OK);
        free(out);
        cs_status_list_free(&l);
        cs_verifier_t *v = NULL;
        cs_verify_result result;
        uint8_t *data = NULL;
        assert_int_equal(cs_verifier_new(W.trust, &v), CS_OK);
        cs_verifier_set_time(v, world_date("2027-06-01"));
        cs_verifier_set_max_list_age(v, 3 * 366 * 86400);
        assert_int_equal(cs_file_read_all(list, CS_STATUS_TOKEN_MAX, &data, &len), CS_OK);
        assert_int_equal(cs_verifier_add_status_list(v, data, len, NULL, 0), CS_OK);
        free(data);
        assert_int_equal(cs_verifier_verify(v, (const uint8_t *)old1, strlen(old1), &result),
                         CS_OK);
        assert_int_equal(result.verdict, CS_VERDICT_STATUS_UNKNOWN);
        assert_non_null(strstr(result.checks[CS_CHECK_CT_STATUS].detail, "outside the validity"));
        cs_verify_result_clear(&result);
        cs_verifier_free(&v);
    }

    /* reissue: the old key's certificates, once; K-2 stays suspended. */
    cs_registry_entry before;
    assert_int_equal(cs_registry_get(r, "K-2", &before), CS_OK);
    expect(cs_registry_reissue(r, W.issuer, NULL, 0, world_date("2027-06-01"), NULL, NULL, NULL,
                               &reissued, detail, sizeof(detail)),
           CS_ERR_KEY_NOT_ACCREDITED, detail, NULL);
    expect(cs_registry_reissue(r, issuer2, NULL, 0, world_date("2027-06-01"), NULL, NULL, NULL,
                               &reissued, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    assert_int_equal(reissued, 2);
    expect(cs_registry_reissue(r, issuer2, NULL, 0, world_date("2027-06-01"), NULL, NULL, NULL,
                               &reissued, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    assert_int_equal(reissued, 0);
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, "K-2", &e), CS_OK);
    assert_int_equal(e.revision, before.revision + 1);
    cs_registry_entry_clear(&before);
    assert_int_equal(e.status, CS_STATUS_SUSPENDED);
    assert_true(e.has_signer_kid);
    assert_memory_equal(e.signer_kid, cs_key_kid(cb2), CS_KID_SIZE);
    assert_int_equal(e.issued_at, world_date("2027-06-01"));
    cs_registry_entry_clear(&e);
    const char *const missing[] = {"K-404"};
    expect(cs_registry_reissue(r, issuer2, missing, 1, world_date("2027-06-01"), NULL, NULL, NULL,
                               &reissued, detail, sizeof(detail)),
           CS_ERR_REGISTRY_NOT_FOUND, detail, NULL);

    free(old1);
    free(old2);
    free(new3);
    free(ac2);
    free(ac_other_cb);
    free(ac_other_no);
    cs_issuer_free(&issuer2);
    cs_key_free(&cb2);
    cs_key_free(&cb3);
    cs_registry_close(&r);
}

static cs_err accredit(cs_registry_t *r, const cs_key_t *cb, const char *subject,
                       const char *standard, bool supersede, char *detail, size_t size)
{
    const char *standards[] = {standard};
    cs_accreditation_params ac = {
        .issuer = "UKAS",
        .subject = subject,
        .name = "Second CB",
        .number = "AC-7",
        .country = "GB",
        .standards = standards,
        .standard_count = 1,
        .not_before = world_date("2026-01-01"),
        .expires = world_date("2030-01-01"),
        .issued_at = world_date("2026-01-01"),
        .subject_key = cb,
    };
    uint8_t *out = NULL;
    size_t len = 0;
    cs_err err =
        cs_registry_accredit(r, W.ab, &ac, supersede, NULL, NULL, &out, &len, detail, size);
    free(out);
    return err;
}

static void test_reaccreditation(void **state)
{
    (void)state;
    cs_registry_settings s = {.key_path = "ab.key", .status_uri = "https://ab.example/status"};
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_status now = CS_STATUS_VALID;

    assert_int_equal(cs_registry_create(path_in_dir("reacc.db"), &s, &r, detail, sizeof(detail)),
                     CS_OK);
    expect(accredit(r, W.cb, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)), CS_OK,
           detail, NULL);
    expect(accredit(r, W.other, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    expect(accredit(r, W.other, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)),
           CS_ERR_REGISTRY_DUPLICATE, detail, "--supersedes");
    expect(accredit(r, W.ab, "cb3.example", "ISO 9001:2015", false, detail, sizeof(detail)),
           CS_ERR_REGISTRY_DUPLICATE, detail, "belongs to cb2.example");
    expect(cs_registry_change_status(r, "AC-7", CS_REGISTRY_SUSPEND, NULL, &now, detail,
                                     sizeof(detail)),
           CS_ERR_REGISTRY_AMBIGUOUS, detail, "2 current credentials");
    expect(cs_registry_change_status_of(r, "AC-7", cs_key_kid(W.other), CS_REGISTRY_SUSPEND, NULL,
                                        &now, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    assert_int_equal(now, CS_STATUS_SUSPENDED);
    expect(cs_registry_change_status_of(r, "AC-7", cs_key_kid(W.ab), CS_REGISTRY_SUSPEND, NULL,
                                        &now, detail, sizeof(detail)),
           CS_ERR_REGISTRY_NOT_FOUND, detail, NULL);

    /* A changed scope for W.cb's credential: a new revision supersedes it. */
    expect(accredit(r, W.cb, "cb2.example", "ISO 14001:2015", true, detail, sizeof(detail)), CS_OK,
           detail, NULL);
    expect(accredit(r, W.ab, "cb2.example", "ISO 14001:2015", true, detail, sizeof(detail)),
           CS_ERR_REGISTRY_NOT_FOUND, detail, NULL);
    /* A withdrawn key is not accredited again. */
    expect(cs_registry_change_status_of(r, "AC-7", cs_key_kid(W.other), CS_REGISTRY_WITHDRAW, NULL,
                                        &now, detail, sizeof(detail)),
           CS_OK, detail, NULL);
    expect(accredit(r, W.other, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)),
           CS_ERR_REGISTRY_TRANSITION, detail, "withdrawn");

    /* Revisions 0 (superseded, W.cb), 1 (withdrawn, W.other), 2 (valid, W.cb). */
    struct {
        cs_status status;
        const cs_key_t *key;
    } want[] = {
        {CS_STATUS_SUPERSEDED, W.cb}, {CS_STATUS_WITHDRAWN, W.other}, {CS_STATUS_VALID, W.cb}};
    for (uint64_t rev = 0; rev < 3; rev++) {
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(registry_sqlite_handle(r),
                                            "SELECT status, key_kid, signer_kid FROM objects "
                                            "WHERE number = 'AC-7' AND revision = ?1",
                                            -1, &stmt, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)rev);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(stmt, 0), want[rev].status);
        assert_memory_equal(sqlite3_column_blob(stmt, 1), cs_key_kid(want[rev].key), CS_KID_SIZE);
        assert_memory_equal(sqlite3_column_blob(stmt, 2), cs_key_kid(W.ab), CS_KID_SIZE);
        sqlite3_finalize(stmt);
    }
    cs_registry_close(&r);
}

static void test_ab_rekey(void **state)
{
    (void)state;
    cs_registry_settings s = {.key_path = "ab.key", .status_uri = "https://ab.example/status"};
    cs_registry_t *r = NULL;
    cs_key_t *ab2 = NULL;
    char detail[CS_DETAIL_SIZE] = "";

    assert_int_equal(cs_registry_create(path_in_dir("abrekey.db"), &s, &r, detail, sizeof(detail)),
                     CS_OK);
    expect(accredit(r, W.cb, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)), CS_OK,
           detail, NULL);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &ab2), CS_OK);
    expect(cs_registry_rekey(r, W.ab, "ab.key", NULL, 0, NULL, detail, sizeof(detail)),
           CS_ERR_REKEY_MISMATCH, detail, NULL);
    expect(cs_registry_rekey(r, ab2, "ab2.key", W.ac, W.ac_len, NULL, detail, sizeof(detail)),
           CS_ERR_ARGUMENT, detail, NULL);
    expect(cs_registry_rekey(r, ab2, "ab2.key", NULL, 0, NULL, detail, sizeof(detail)), CS_OK,
           detail, NULL);
    /* The old key no longer signs for the registry. */
    expect(accredit(r, W.other, "cb2.example", "ISO 9001:2015", false, detail, sizeof(detail)),
           CS_ERR_ARGUMENT, detail, "not this registry's issuer key");
    expect(cs_registry_publish(r, W.ab, path_in_dir("ab.list"), world_date(LIST_IAT), 86400, 0,
                               detail, sizeof(detail)),
           CS_ERR_ARGUMENT, detail, NULL);
    assert_int_equal(cs_registry_publish(r, ab2, path_in_dir("ab.list"), world_date(LIST_IAT),
                                         86400, 0, detail, sizeof(detail)),
                     CS_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(registry_sqlite_handle(r), "SELECT kid FROM retired_keys", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_memory_equal(sqlite3_column_blob(stmt, 0), cs_key_kid(W.ab), CS_KID_SIZE);
    sqlite3_finalize(stmt);
    cs_key_free(&ab2);
    cs_registry_close(&r);
}

/* ---- schema 1 registries --------------------------------------------------------- */

static void copy_fixture(const char *name, const char *to)
{
    char from[300];
    uint8_t *data = NULL;
    size_t len = 0;
    snprintf(from, sizeof(from), "tests/fixtures/registry-v1/%s", name);
    assert_int_equal(cs_file_read_all(from, 1 << 20, &data, &len), CS_OK);
    assert_int_equal(cs_file_write_atomic(to, data, len, 0600, CS_FILE_REPLACE), CS_OK);
    free(data);
}

static void test_schema_1(void **state)
{
    (void)state;
    cs_registry_t *ab = NULL, *cb = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    const char *ab_path = path_in_dir("v1-ab.db"), *cb_path = path_in_dir("v1-cb.db");

    copy_fixture("ab.db", ab_path);
    copy_fixture("cb.db", cb_path);
    expect(cs_registry_open(ab_path, &ab, detail, sizeof(detail)), CS_OK, detail, NULL);
    expect(cs_registry_open(cb_path, &cb, detail, sizeof(detail)), CS_OK, detail, NULL);
    cs_registry_entry a, c1, c2;
    assert_int_equal(cs_registry_get(ab, "ACC-1", &a), CS_OK);
    assert_int_equal(cs_registry_get(cb, "V1-1", &c1), CS_OK);
    assert_int_equal(cs_registry_get(cb, "V1-2", &c2), CS_OK);
    /* The credential's CB key was read from its claims; the certificates
     * are signed by it. */
    assert_true(a.has_key_kid && a.has_signer_kid && c1.has_signer_kid && !c1.has_key_kid);
    assert_memory_equal(a.key_kid, c1.signer_kid, CS_KID_SIZE);
    assert_int_equal(c1.status, CS_STATUS_VALID);
    assert_int_equal(c2.status, CS_STATUS_SUSPENDED);
    cs_registry_entry_clear(&a);
    cs_registry_entry_clear(&c1);
    cs_registry_entry_clear(&c2);
    assert_int_equal(sqlite3_exec(registry_sqlite_handle(cb), "SELECT 1 FROM retired_keys", NULL, NULL, NULL),
                     SQLITE_OK);
    /* The old event log came along, still append-only. */
    assert_int_not_equal(sqlite3_exec(registry_sqlite_handle(cb), "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(registry_sqlite_handle(cb), "UPDATE objects SET signer_kid = NULL", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(registry_sqlite_handle(cb),
                                        "SELECT count(*), max(action = 'suspended') FROM "
                                        "events",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 3);
    assert_int_equal(sqlite3_column_int(stmt, 1), 1);
    sqlite3_finalize(stmt);
    cs_registry_close(&ab);
    cs_registry_close(&cb);
}

int main(void)
{
    (void)world_certs;
    (void)world_certs_clear;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cb_rekey),
        cmocka_unit_test(test_reaccreditation),
        cmocka_unit_test(test_ab_rekey),
        cmocka_unit_test(test_schema_1),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
