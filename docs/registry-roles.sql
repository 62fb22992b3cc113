-- SPDX-License-Identifier: ISC
--
-- docs/registry-roles.sql - least-privilege roles for a certseal registry in
-- PostgreSQL (certseal(1) REGISTRY, docs/registry.md).
--
-- Three kinds of access, as group roles (NOLOGIN) that the database
-- administrator grants to people's and stations' own login roles:
--
--   owner     the role that ran `certseal init --registry postgresql://...`:
--             owns the tables, runs schema migrations (any certseal command
--             that opens a registry of an older schema, `registry migrate
--             --to`), and `rekey`.  Keep its password with the
--             administrator; no station needs it.
--   issuing   what an issuing station needs for issue, issue --batch,
--             --supersedes, suspend, withdraw, reinstate, reissue, list
--             and status publish: read everything, add objects and events,
--             change the status of an object (columns status and current)
--             and nothing else.  It cannot rewrite or delete an event or an
--             object, truncate a table, change the settings or the key
--             history, or change the schema.
--   auditing  read-only: list, status publish, SELECT for reports.
--
-- The event log is append-only twice over: these grants, and the triggers
-- certseal creates with the schema, which refuse UPDATE, DELETE and
-- TRUNCATE of events even to the owner.  (The owner can drop its own
-- triggers: whoever holds the owner role is trusted with the history, so
-- keep it to the administrator, and the server's logs and backups
-- elsewhere.)
--
-- Run it as a superuser, or as a role with CREATEROLE that is a member of
-- the owner, in the registry's database, after `certseal init` created the
-- tables, and again after each certseal upgrade that migrates the schema
-- (it is idempotent):
--
--   psql -d cb -v owner=certseal_owner -f docs/registry-roles.sql
--
-- Variables (psql -v NAME=VALUE), with their defaults:
--   owner     the registry's owner role (required: the one that ran init)
--   issuing   certseal_issuing
--   auditing  certseal_auditing
--   schema    public: the schema the registry's tables are in
--
-- Then give people and stations their own login roles, for example:
--
--   CREATE ROLE station_leeds LOGIN IN ROLE certseal_issuing;
--   \password station_leeds
--   CREATE ROLE auditor_kim LOGIN IN ROLE certseal_auditing;

\set ON_ERROR_STOP on
\if :{?owner}
\else
DO $$ BEGIN RAISE EXCEPTION 'registry-roles.sql: name the owner role: psql -v owner=ROLE '
    '(the role that ran certseal init)'; END $$;
\endif
\if :{?issuing}
\else
\set issuing certseal_issuing
\endif
\if :{?auditing}
\else
\set auditing certseal_auditing
\endif
\if :{?schema}
\else
\set schema public
\endif
SELECT current_database() AS database \gset

BEGIN;

-- The group roles, made once.
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'issuing') AS make_issuing,
       NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'auditing') AS make_auditing \gset
\if :make_issuing
CREATE ROLE :"issuing" NOLOGIN;
\endif
\if :make_auditing
CREATE ROLE :"auditing" NOLOGIN;
\endif

-- The database: no one else connects or makes temporary tables.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"owner", :"issuing", :"auditing";
REVOKE CREATE ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE ON SCHEMA :"schema" TO :"issuing", :"auditing";

-- Start from nothing, so that a second run (after an upgrade) leaves
-- exactly what follows.
REVOKE ALL ON ALL TABLES IN SCHEMA :"schema" FROM PUBLIC, :"issuing", :"auditing";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA :"schema" FROM PUBLIC, :"issuing", :"auditing";

-- Reading: both.
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"issuing", :"auditing";

-- Issuing: new objects and events, and the status of an object.  The
-- sequences give the new rows their ids.
GRANT INSERT ON :"schema".objects, :"schema".events TO :"issuing";
GRANT UPDATE (status, current) ON :"schema".objects TO :"issuing";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA :"schema" TO :"issuing";

-- Tables a later certseal adds are readable by both without a re-run.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema"
    GRANT SELECT ON TABLES TO :"issuing", :"auditing";

COMMIT;

\echo registry-roles.sql: :issuing may issue and change statuses, :auditing may read, in database :database
