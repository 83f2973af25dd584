/**
 * The PostgreSQL schema of tcflow, created and migrated on first use under an advisory lock
 * (any number of processes may start at once; one migrates, the others wait and see it done).
 * `tcflow_schema` keeps the version; a database migrated by a newer tcflow is refused.
 *
 * Text columns hold the journal's JSON text (`codec.ts`), never `jsonb`: PostgreSQL rejects
 * `\u0000` in `jsonb` and in text, and the JSON text escapes it. Rate buckets are keyed by four
 * columns for the same reason (the in-process key joins its parts with `\u0000`).
 *
 * @module
 */
import type postgres from "postgres";

/** The schema version this tcflow writes. */
export const SCHEMA_VERSION = 4;

/** Key of the advisory lock taken while migrating (any fixed 64-bit number). */
const MIGRATION_LOCK = 7_305_163_420_114n;

/** Each migration brings the schema from its index to index + 1. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tcflow_runs (
    run_id        text PRIMARY KEY,
    workflow      text NOT NULL,
    file          text NOT NULL,
    meta          text NOT NULL,
    started_ms    bigint NOT NULL,
    last_event_ms bigint NOT NULL,
    status        text NOT NULL,
    queued        boolean NOT NULL DEFAULT false,
    owner         text,
    epoch         bigint NOT NULL DEFAULT 0,
    lease_until   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
  );
  CREATE INDEX tcflow_runs_claim ON tcflow_runs (created_at) WHERE queued AND finished_at IS NULL;
  CREATE TABLE tcflow_events (
    run_id text NOT NULL REFERENCES tcflow_runs ON DELETE CASCADE,
    seq    integer NOT NULL,
    event  text NOT NULL,
    PRIMARY KEY (run_id, seq)
  );
  CREATE TABLE tcflow_rate_buckets (
    service    text NOT NULL,
    action     text NOT NULL,
    region     text NOT NULL,
    credential text NOT NULL,
    tat        timestamptz NOT NULL,
    PRIMARY KEY (service, action, region, credential)
  );
  CREATE TABLE tcflow_fires (
    workflow    text NOT NULL,
    minute      timestamptz NOT NULL,
    owner       text,
    fired_at    timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz,
    finished_at timestamptz,
    skipped     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (workflow, minute)
  );
  `,
  // 2: the items of `foreach` steps, claimed by any worker (lib/cluster/pg_items.ts); the
  // step counts of each run for `runs` (which then reads no events).
  `
  CREATE SEQUENCE tcflow_item_done_seq;
  CREATE TABLE tcflow_item_steps (
    run_id      text NOT NULL REFERENCES tcflow_runs ON DELETE CASCADE,
    step_id     text NOT NULL,
    concurrency integer NOT NULL,
    open        boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, step_id)
  );
  CREATE INDEX tcflow_item_steps_open ON tcflow_item_steps (created_at) WHERE open;
  CREATE TABLE tcflow_items (
    run_id      text NOT NULL,
    step_id     text NOT NULL,
    idx         integer NOT NULL,
    call        text NOT NULL,
    status      text NOT NULL,
    owner       text,
    epoch       bigint NOT NULL DEFAULT 0,
    lease_until timestamptz,
    outcome     text,
    done_seq    bigint,
    PRIMARY KEY (run_id, step_id, idx),
    FOREIGN KEY (run_id, step_id) REFERENCES tcflow_item_steps ON DELETE CASCADE
  );
  CREATE INDEX tcflow_items_todo ON tcflow_items (run_id, step_id, idx)
    WHERE status IN ('pending', 'running');
  CREATE INDEX tcflow_items_done ON tcflow_items (run_id, step_id, done_seq)
    WHERE done_seq IS NOT NULL;
  ALTER TABLE tcflow_runs ADD COLUMN steps text;
  `,
  // 3: the number of the next event of each run: the summary `runs` caches in `steps` is
  // valid while it names this number (lib/journal/pg_summary.ts).
  `
  ALTER TABLE tcflow_runs ADD COLUMN next_seq integer NOT NULL DEFAULT 1;
  UPDATE tcflow_runs r SET next_seq = coalesce(
    (SELECT max(seq) + 1 FROM tcflow_events e WHERE e.run_id = r.run_id), 1);
  `,
  // 4: the secret inputs of a submitted run, sealed by the submitter (base64 AES-GCM
  // ciphertext, lib/journal/sealed_inputs.ts) and the fingerprint of the key that sealed them:
  // a worker claims such a run only with the same key.
  `
  ALTER TABLE tcflow_runs ADD COLUMN sealed_inputs text, ADD COLUMN seal_key_id text;
  `,
];

/** A schema problem: a database of a newer tcflow. */
export class SchemaVersionError extends Error {
  readonly found: number;
  constructor(found: number) {
    super(
      `the database has tcflow schema version ${found}, newer than this tcflow's ${SCHEMA_VERSION}; upgrade tcflow`,
    );
    this.name = "SchemaVersionError";
    this.found = found;
  }
}

/**
 * Creates or migrates the schema to {@link SCHEMA_VERSION}.
 *
 * @throws {SchemaVersionError} the database was migrated by a newer tcflow
 */
export async function migrate(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS tcflow_schema (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        version integer NOT NULL
      )`,
    );
    const rows = await tx<{ version: number }[]>`SELECT version FROM tcflow_schema`;
    const found = rows[0]?.version ?? 0;
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(found);
    for (let version = found; version < SCHEMA_VERSION; version++) {
      await tx.unsafe(MIGRATIONS[version]!);
    }
    if (found < SCHEMA_VERSION) {
      await tx`INSERT INTO tcflow_schema (version) VALUES (${SCHEMA_VERSION})
        ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version`;
    }
  });
}
