/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL engine's errors (registry_pg_internal.h): a failed
 * result's SQLSTATE mapped to the registry's errors (registry_sql.h).
 */
#include <string.h>

#include "registry_pg_internal.h"

static bool connection_lost(PGconn *conn, const char *state)
{
    return PQstatus(conn) == CONNECTION_BAD ||
           (state != NULL && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
                              strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0));
}

cs_err pg_error(PGconn *conn, const PGresult *res, const char *doing, char *detail, size_t size)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char said[400];

    registry_sql_message(primary != NULL ? primary : PQerrorMessage(conn), said, sizeof(said));
    if (connection_lost(conn, state))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_CONNECTION,
                              "%s: the connection to the database server was lost (%s); what "
                              "was not committed was not recorded (run it again)",
                              doing, said);
    if (state != NULL &&
        (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "23505") == 0))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_CONFLICT,
                              "%s: a concurrent transaction won (%s)", doing, said);
    if (state != NULL && (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_BUSY,
                              "%s: another station held what this needs for too long (%s; try "
                              "again when it is done)",
                              doing, said);
    if (state != NULL && strcmp(state, "53200") == 0)
        return cs_detail_fail(detail, size, CS_ERR_NO_MEMORY, "%s: the server is out of memory",
                              doing);
    return cs_detail_fail(detail, size, CS_ERR_REGISTRY, "%s: %s%s%s", doing, said,
                          state != NULL ? ", SQLSTATE " : "", state != NULL ? state : "");
}
