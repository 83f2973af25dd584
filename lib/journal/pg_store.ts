/**
 * The journal in PostgreSQL (`--store postgres://…`): one row per run in `tcflow_runs`, one row
 * per event in `tcflow_events` (`(run_id, seq)` primary key), for any number of processes on
 * any number of hosts.
 *
 * The writer lock is a lease: `create` and `open` set the run's `owner`, raise its claim
 * `epoch` and set `lease_until` (database clock) `leaseS` seconds ahead; a heartbeat renews it
 * every third of that. Another writer may `open` the run only once the lease has run out (its
 * process died). Every append is one transaction that checks the epoch, updates the run row
 * (last event time, status on `run-finished`) and inserts the events: a writer whose lease was
 * taken over records nothing (it is fenced) and its appends reject with `E_RUN_FENCED`.
 *
 * @module
 */
import type postgres from "postgres";
import type { RunEvent } from "./events.ts";
import { decodeEvent, decodeMeta, encodeEvent, encodeMeta } from "./codec.ts";
import { damagedSummary, summarize } from "./file_store.ts";
import { type ConnectOptions, connectPostgres } from "./pg_connect.ts";
import { isRunId } from "./run_id.ts";
import { decodeSealedInputs, encodeSealedInputs, type SealedInputs } from "./sealed_inputs.ts";
import {
  JournalError,
  type JournalStore,
  type RunMeta,
  type RunRecord,
  type RunSummary,
} from "./store.ts";

/** Options of {@link PgJournalStore.connect}. */
export interface PgStoreOptions extends ConnectOptions {
  /** Seconds a writer's lease lasts without a heartbeat. Default 10. */
  leaseS?: number;
  /** Who writes (shown by `runs`): default `pid <pid>`. */
  owner?: string;
  /** Called when a heartbeat finds the lease taken over by another writer. */
  onLeaseLost?(runId: string): void;
  /**
   * Renew leases on a connection of their own ({@link PgJournalStore.heartbeatSql}), never
   * queued behind the statements of the pool (a worker's claims, completions, rate slots and
   * journal appends): postgres.js pipelines a statement behind those already on a busy
   * connection, and one that waits (a claim waiting for another claimer's lock) would hold the
   * heartbeat past the lease. Default false (one pool).
   */
  heartbeatConnection?: boolean;
}

/** A run claimed by {@link PgJournalStore.claimNext}. */
export interface Claim {
  runId: string;
  /** The claim epoch: every append checks it. */
  epoch: string;
  /** The writer whose lease ran out (a reclaim), if another worker had it. */
  previousOwner?: string;
}

interface Pending {
  line: string;
  event: RunEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface Writer {
  epoch: string;
  nextSeq: number;
  pending: Pending[];
  flushing?: Promise<void>;
  broken?: JournalError;
  heartbeat: ReturnType<typeof setInterval>;
}

interface RunRow {
  run_id: string;
  meta: string;
  status: string;
  owner: string | null;
  locked: boolean;
}

/** Runs in a PostgreSQL database. */
export class PgJournalStore implements JournalStore {
  /** The database URL without its password. */
  readonly location: string;
  /** The connection pool (shared with the queue and rate limiter of the same store). */
  readonly sql: postgres.Sql;
  /** The connection heartbeats renew leases on (the pool unless `heartbeatConnection`). */
  readonly heartbeatSql: postgres.Sql;
  /** Lease length in seconds. */
  readonly leaseS: number;
  /** The owner written on runs this store writes. */
  readonly owner: string;
  readonly #writers = new Map<string, Writer>();
  readonly #onLeaseLost: ((runId: string) => void) | undefined;

  private constructor(
    sql: postgres.Sql,
    location: string,
    options: PgStoreOptions,
    heartbeatSql: postgres.Sql = sql,
  ) {
    this.sql = sql;
    this.heartbeatSql = heartbeatSql;
    this.location = location;
    this.leaseS = options.leaseS ?? 10;
    this.owner = options.owner ?? `pid ${Deno.pid}`;
    this.#onLeaseLost = options.onLeaseLost;
  }

  /**
   * Connects, creating or migrating the schema.
   *
   * @throws {JournalError} `E_STORE` (unreachable, refused login, newer schema), host named,
   *   password never
   */
  static async connect(url: string, options: PgStoreOptions = {}): Promise<PgJournalStore> {
    const { sql, location } = await connectPostgres(url, options);
    if (options.heartbeatConnection !== true) return new PgJournalStore(sql, location, options);
    try {
      const beats = await connectPostgres(url, { ...options, max: 1 });
      return new PgJournalStore(sql, location, options, beats.sql);
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {});
      throw error;
    }
  }

  async create(meta: RunMeta): Promise<void> {
    checkId(meta.runId);
    const rows = await this.sql<{ epoch: string }[]>`
      INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms, last_event_ms, status,
                               owner, epoch, lease_until)
      VALUES (${meta.runId}, ${meta.workflow}, ${meta.file}, ${encodeMeta(meta)},
              ${meta.startedMs}, ${meta.startedMs}, 'running', ${this.owner}, 1,
              clock_timestamp() + make_interval(secs => ${this.leaseS}))
      ON CONFLICT (run_id) DO NOTHING
      RETURNING epoch::text`;
    if (rows.length === 0) {
      throw new JournalError("E_RUN_EXISTS", meta.runId, `run ${meta.runId} already exists`);
    }
    this.#hold(meta.runId, rows[0]!.epoch, 1);
  }

  async open(runId: string): Promise<void> {
    await this.claim(runId);
  }

  /**
   * Takes the writer lease of an existing run whose lease has run out (or was never taken).
   * Returns the new epoch.
   *
   * @throws {JournalError} `E_RUN_NOT_FOUND`, `E_RUN_LOCKED`
   */
  async claim(runId: string): Promise<string> {
    checkId(runId);
    if (this.#writers.has(runId)) throw lockedError(runId);
    // The row is locked first, then updated with a lease from clock_timestamp(): a single
    // UPDATE that waited for another session's lock on the row (a stalled claimer) kept the
    // lease it computed before the wait, already short or run out, so another worker could take
    // the run at once. The comparison keeps now(): an older clock reclaims less.
    const rows = await this.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM tcflow_runs WHERE run_id = ${runId} FOR UPDATE`;
      return await tx<{ epoch: string; next_seq: number }[]>`
        UPDATE tcflow_runs SET owner = ${this.owner}, epoch = epoch + 1,
          lease_until = clock_timestamp() + make_interval(secs => ${this.leaseS}),
          status = CASE WHEN status = 'queued' THEN 'running' ELSE status END
        WHERE run_id = ${runId} AND (lease_until IS NULL OR lease_until < now())
        RETURNING epoch::text,
          (SELECT coalesce(max(seq), 0) + 1 FROM tcflow_events e WHERE e.run_id = ${runId})::int
            AS next_seq`;
    });
    if (rows.length === 0) {
      const exists = await this.sql`SELECT 1 FROM tcflow_runs WHERE run_id = ${runId}`;
      if (exists.length === 0) throw notFound(runId, this.location);
      throw lockedError(runId);
    }
    const { epoch, next_seq } = rows[0]!;
    this.#hold(runId, epoch, next_seq);
    return epoch;
  }

  /**
   * Queues a run for the workers (`tcflow submit`): recorded with status `queued`, no writer.
   *
   * @throws {JournalError} `E_RUN_EXISTS`, `E_RUN_ID`
   */
  async enqueue(meta: RunMeta, sealed?: SealedInputs): Promise<void> {
    checkId(meta.runId);
    const rows = await this.sql`
      INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms, last_event_ms, status,
                               queued, sealed_inputs, seal_key_id)
      VALUES (${meta.runId}, ${meta.workflow}, ${meta.file}, ${encodeMeta(meta)},
              ${meta.startedMs}, ${meta.startedMs}, 'queued', true,
              ${sealed === undefined ? null : encodeSealedInputs(sealed)},
              ${sealed?.keyId ?? null})
      ON CONFLICT (run_id) DO NOTHING
      RETURNING 1`;
    if (rows.length === 0) {
      throw new JournalError("E_RUN_EXISTS", meta.runId, `run ${meta.runId} already exists`);
    }
  }

  /**
   * Claims the oldest queued run, or one whose writer's lease ran out before it finished (a dead
   * worker's), with `FOR UPDATE SKIP LOCKED`: two workers never claim the same run. The store
   * then holds it like `open` does. A run whose secret inputs were sealed is claimed only with
   * the fingerprint of the key that sealed them (`keyId`); without one, only runs without
   * sealed inputs.
   */
  async claimNext(keyId?: string): Promise<Claim | undefined> {
    const rows = await this.sql<
      { run_id: string; epoch: string; next_seq: number; previous: string | null }[]
    >`
      WITH next AS (
        SELECT run_id, owner FROM tcflow_runs
        WHERE queued AND finished_at IS NULL AND (lease_until IS NULL OR lease_until < now())
          AND (seal_key_id IS NULL OR seal_key_id = ${keyId ?? null}::text)
        ORDER BY created_at, run_id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tcflow_runs r SET owner = ${this.owner}, epoch = r.epoch + 1, status = 'running',
        lease_until = clock_timestamp() + make_interval(secs => ${this.leaseS})
      FROM next WHERE r.run_id = next.run_id
      RETURNING r.run_id, r.epoch::text, next.owner AS previous,
        (SELECT coalesce(max(seq), 0) + 1 FROM tcflow_events e WHERE e.run_id = r.run_id)::int
          AS next_seq`;
    const row = rows[0];
    if (row === undefined) return undefined;
    this.#hold(row.run_id, row.epoch, row.next_seq);
    return {
      runId: row.run_id,
      epoch: row.epoch,
      ...(row.previous !== null ? { previousOwner: row.previous } : {}),
    };
  }

  /**
   * Queued runs not finished yet (claimed or not) that a worker with the key of fingerprint
   * `keyId` (or none) could take: a worker with `--exit-when-idle` waits for 0.
   */
  async unfinishedQueued(keyId?: string): Promise<number> {
    const rows = await this.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM tcflow_runs WHERE queued AND finished_at IS NULL
        AND (seal_key_id IS NULL OR seal_key_id = ${keyId ?? null}::text)`;
    return rows[0]?.n ?? 0;
  }

  /**
   * Queued runs not claimed yet whose secret inputs were sealed with a key other than the one
   * of fingerprint `keyId` (or with any key, without one): `[run id, its key's fingerprint]`,
   * oldest first, at most `limit`.
   */
  async sealedForOthers(keyId?: string, limit = 20): Promise<[string, string][]> {
    const rows = await this.sql<{ run_id: string; seal_key_id: string }[]>`
      SELECT run_id, seal_key_id FROM tcflow_runs
      WHERE queued AND finished_at IS NULL AND status = 'queued' AND seal_key_id IS NOT NULL
        AND seal_key_id IS DISTINCT FROM ${keyId ?? null}::text
      ORDER BY created_at, run_id LIMIT ${limit}`;
    return rows.map((row) => [row.run_id, row.seal_key_id]);
  }

  /** The sealed secret inputs of a submitted run, if it has any. */
  async sealedInputsOf(runId: string): Promise<SealedInputs | undefined> {
    const rows = await this.sql<{ sealed_inputs: string | null; seal_key_id: string | null }[]>`
      SELECT sealed_inputs, seal_key_id FROM tcflow_runs WHERE run_id = ${runId}`;
    const row = rows[0];
    if (row === undefined || row.sealed_inputs === null || row.seal_key_id === null) {
      return undefined;
    }
    return decodeSealedInputs(row.seal_key_id, row.sealed_inputs);
  }

  /** The status column of a run (`queued`, `running`, or how it finished), if it exists. */
  async statusOf(runId: string): Promise<string | undefined> {
    const rows = await this.sql<{ status: string }[]>`
      SELECT status FROM tcflow_runs WHERE run_id = ${runId}`;
    return rows[0]?.status;
  }

  /** The epoch of a run this store holds, if it holds it. */
  epochOf(runId: string): string | undefined {
    return this.#writers.get(runId)?.epoch;
  }

  /** Whether this store still holds the run's lease, by the database clock (before a mutation). */
  async holdsLease(runId: string): Promise<boolean> {
    const writer = this.#writers.get(runId);
    if (writer === undefined || writer.broken !== undefined) return false;
    const rows = await this.sql`SELECT 1 FROM tcflow_runs
      WHERE run_id = ${runId} AND epoch = ${writer.epoch} AND lease_until > now()`;
    return rows.length === 1;
  }

  append(runId: string, event: RunEvent): Promise<void> {
    const writer = this.#writers.get(runId);
    if (writer === undefined) {
      return Promise.reject(
        new JournalError("E_RUN_NOT_OPEN", runId, `run ${runId} is not open for writing`),
      );
    }
    if (writer.broken !== undefined) return Promise.reject(writer.broken);
    const line = encodeEvent(event).replace(/\n$/, "");
    return new Promise<void>((resolve, reject) => {
      writer.pending.push({ line, event, resolve, reject });
      writer.flushing ??= this.#flush(runId, writer);
    });
  }

  async close(runId: string): Promise<void> {
    const writer = this.#writers.get(runId);
    if (writer === undefined) return;
    while (writer.flushing !== undefined) await writer.flushing;
    clearInterval(writer.heartbeat);
    this.#writers.delete(runId);
    if (writer.broken !== undefined) return;
    await this.sql`UPDATE tcflow_runs SET lease_until = NULL
      WHERE run_id = ${runId} AND epoch = ${writer.epoch}`;
  }

  async read(runId: string): Promise<RunRecord> {
    checkId(runId);
    const rows = await this.sql<RunRow[]>`
      SELECT run_id, meta, status, owner, coalesce(lease_until > now(), false) AS locked
      FROM tcflow_runs WHERE run_id = ${runId}`;
    const row = rows[0];
    if (row === undefined) throw notFound(runId, this.location);
    const events = await this.sql<{ event: string }[]>`
      SELECT event FROM tcflow_events WHERE run_id = ${runId} ORDER BY seq`;
    return toRecord(row, events.map((e) => e.event));
  }

  /**
   * Every run, from the run rows: the summary of a run is computed from its events once and
   * cached in its row (`steps`, valid while the row's `next_seq` is unchanged, i.e. until the
   * run records another event), so a listing reads the events of new or changed runs only.
   */
  async list(): Promise<RunSummary[]> {
    const rows = await this.sql<(RunRow & { steps: string | null; next_seq: number })[]>`
      SELECT run_id, meta, status, owner, coalesce(lease_until > now(), false) AS locked,
        steps, next_seq
      FROM tcflow_runs ORDER BY started_ms, run_id`;
    const missing = rows.filter((row) => cachedSummary(row.steps, row.next_seq) === undefined);
    const byRun = new Map<string, string[]>();
    if (missing.length > 0) {
      const events = await this.sql<{ run_id: string; event: string }[]>`
        SELECT run_id, event FROM tcflow_events
        WHERE run_id = ANY(${missing.map((row) => row.run_id)}::text[]) ORDER BY run_id, seq`;
      for (const { run_id, event } of events) {
        const lines = byRun.get(run_id) ?? [];
        lines.push(event);
        byRun.set(run_id, lines);
      }
    }
    const summaries: RunSummary[] = [];
    for (const row of rows) {
      let summary = cachedSummary(row.steps, row.next_seq);
      if (summary === undefined) {
        try {
          // As if locked: `running` stays `running` in the cache; the lease decides below.
          summary = summarize(toRecord({ ...row, locked: true }, byRun.get(row.run_id) ?? []));
        } catch (error) {
          if (!(error instanceof JournalError)) throw error;
          summaries.push(damagedSummary(row.run_id, error.reason));
          continue;
        }
        const cache = JSON.stringify({ seq: row.next_seq, summary });
        await this.sql`UPDATE tcflow_runs SET steps = ${cache}
          WHERE run_id = ${row.run_id} AND next_seq = ${row.next_seq}`;
      }
      summary = { ...summary };
      if (summary.status === "running" && !row.locked) summary.status = "interrupted";
      if (row.status === "queued") summary.status = "queued";
      if (row.owner !== null) summary.owner = row.owner;
      summaries.push(summary);
    }
    return summaries;
  }

  /** Stops the heartbeats and closes the connections (pending appends are awaited). */
  async end(): Promise<void> {
    for (const runId of [...this.#writers.keys()]) await this.close(runId).catch(() => {});
    await this.sql.end({ timeout: 5 });
    if (this.heartbeatSql !== this.sql) await this.heartbeatSql.end({ timeout: 5 });
  }

  #hold(runId: string, epoch: string, nextSeq: number): void {
    const heartbeat = setInterval(() => void this.#beat(runId), (this.leaseS * 1000) / 3);
    this.#writers.set(runId, { epoch, nextSeq, pending: [], heartbeat });
  }

  async #beat(runId: string): Promise<void> {
    const writer = this.#writers.get(runId);
    if (writer === undefined || writer.broken !== undefined) return;
    let rows;
    try {
      rows = await this.heartbeatSql`UPDATE tcflow_runs
        SET lease_until = clock_timestamp() + make_interval(secs => ${this.leaseS})
        WHERE run_id = ${runId} AND epoch = ${writer.epoch} RETURNING 1`;
    } catch {
      return; // the database is away for now: the lease protects the run; next beat retries
    }
    if (rows.length === 0) {
      writer.broken = fencedError(runId);
      this.#onLeaseLost?.(runId);
    }
  }

  async #flush(runId: string, writer: Writer): Promise<void> {
    try {
      while (writer.pending.length > 0) {
        const batch = writer.pending.splice(0);
        try {
          if (writer.broken !== undefined) throw writer.broken;
          await this.#writeRetrying(runId, writer, batch);
          for (const p of batch) p.resolve();
        } catch (error) {
          const failure = error instanceof JournalError ? error : writeError(runId, error);
          writer.broken ??= failure;
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      delete writer.flushing;
    }
  }

  /** A lost connection is retried with backoff (1, 2, 4 … s, about a minute in all). */
  async #writeRetrying(runId: string, writer: Writer, batch: Pending[]): Promise<void> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#write(runId, writer, batch);
      } catch (error) {
        if (error instanceof JournalError || attempt >= 6 || !isConnectionError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** Math.min(attempt, 4)));
      }
    }
  }

  async #write(runId: string, writer: Writer, batch: Pending[]): Promise<void> {
    const first = writer.nextSeq;
    const rows = batch.map((p, i) => ({ run_id: runId, seq: first + i, event: p.line }));
    const last = batch[batch.length - 1]!.event;
    const finished = batch.findLast((p) => p.event.type === "run-finished")?.event;
    const status = finished?.type === "run-finished" ? finished.status : null;
    await this.sql.begin(async (tx) => {
      const held = await tx`UPDATE tcflow_runs
        SET last_event_ms = greatest(last_event_ms, ${last.timeMs}),
            next_seq = greatest(next_seq, ${first + batch.length}),
            status = coalesce(${status}::text, status),
            finished_at = CASE WHEN ${status}::text IS NULL THEN finished_at ELSE now() END
        WHERE run_id = ${runId} AND epoch = ${writer.epoch} RETURNING 1`;
      if (held.length === 0) throw fencedError(runId);
      // A retried batch whose first try committed unseen finds its rows: same epoch, same seqs.
      await tx`INSERT INTO tcflow_events ${tx(rows, "run_id", "seq", "event")}
        ON CONFLICT (run_id, seq) DO NOTHING`;
    });
    writer.nextSeq = first + batch.length;
  }
}

/** The summary cached in a run row, when it is of the run's current last event. */
function cachedSummary(text: string | null, nextSeq: number): RunSummary | undefined {
  if (text === null) return undefined;
  try {
    const cache = JSON.parse(text) as { seq?: unknown; summary?: RunSummary };
    return cache.seq === nextSeq ? cache.summary : undefined;
  } catch {
    return undefined;
  }
}

/** A run as read; nothing is guessed: a row that does not decode makes the run damaged. */
function toRecord(row: RunRow, lines: string[]): RunRecord {
  let meta: RunMeta;
  try {
    meta = decodeMeta(row.meta);
  } catch (error) {
    throw damaged(row.run_id, `meta: ${messageOf(error)}`, error);
  }
  const events: RunEvent[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      events.push(decodeEvent(line));
    } catch (error) {
      throw damaged(row.run_id, `event ${i + 1}: ${messageOf(error)}`, error);
    }
  }
  return { meta, events, ignoredLines: 0, locked: row.locked };
}

function damaged(runId: string, reason: string, cause: unknown): JournalError {
  return new JournalError("E_RUN_DAMAGED", runId, `run ${runId} is damaged: ${reason}`, {
    reason,
    cause,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkId(runId: string): void {
  if (!isRunId(runId)) {
    throw new JournalError("E_RUN_ID", runId, `not a valid run id: ${JSON.stringify(runId)}`);
  }
}

function notFound(runId: string, location: string): JournalError {
  return new JournalError("E_RUN_NOT_FOUND", runId, `no run ${runId} in ${location}`);
}

function lockedError(runId: string): JournalError {
  return new JournalError(
    "E_RUN_LOCKED",
    runId,
    `run ${runId} is being written by another process (it is running, resuming or rolling back)`,
  );
}

function fencedError(runId: string): JournalError {
  return new JournalError(
    "E_RUN_FENCED",
    runId,
    `run ${runId}: this writer lost its lease (another took the run over); nothing more is recorded`,
  );
}

function writeError(runId: string, cause: unknown): JournalError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new JournalError(
    "E_JOURNAL",
    runId,
    `cannot write the journal of run ${runId}: ${message}`,
    {
      cause,
    },
  );
}

/** Errors of the connection rather than of the statement: worth a retry. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" &&
    (/^(ECONN|EPIPE|ETIMEDOUT|CONNECTION_|CONNECT_TIMEOUT)/.test(code) || /^(08|57P)/.test(code));
}
