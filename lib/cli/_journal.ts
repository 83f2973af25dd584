/**
 * What the journal commands (`runs`, `report`, `resume`, `rollback`) share: the state
 * directory and loading a run by id with a helpful error.
 *
 * @module
 */
import { editDistance } from "../catalog/suggest.ts";
import { FileJournalStore } from "../journal/file_store.ts";
import { type RecordedRun, recordedRun } from "../journal/recorded_run.ts";
import type { RunSink } from "../journal/events.ts";
import { JournalError, journalSink, type JournalStore, type RunRecord } from "../journal/store.ts";
import { type OutputFlags, resolvePath } from "./_command.ts";
import { cloudsOf, connect, type Connection, type TargetedConnection } from "./_connect.ts";
import { openStore as openStoreAt, storeRateLimiter } from "../connect.ts";
import type { RateLimiter } from "../engine/rate_limiter.ts";
import { progressSink } from "./_progress.ts";
import { boolFlag, listFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, UsageError } from "./context.ts";
import { runNames } from "../workflow/names.ts";
import type { PgJournalStore } from "../journal/pg_store.ts";
import {
  openInputs,
  readSealKey,
  SEAL_KEY_ENV,
  SealedInputError,
} from "../journal/sealed_inputs.ts";

/** The state directory: `--state-dir`, else `.tcflow` in the working directory. */
export function stateDirOf(parsed: ParsedArgs, ctx: CliContext): string {
  return resolvePath(ctx.cwd, stringFlag(parsed, "state-dir") ?? ".tcflow");
}

/** The `--store` URL (else env `TCFLOW_STORE`), if any. @throws {UsageError} with --state-dir */
export function storeUrlOf(parsed: ParsedArgs, ctx: CliContext): string | undefined {
  const flag = stringFlag(parsed, "store");
  const url = flag ?? (ctx.env("TCFLOW_STORE") || undefined);
  if (url === undefined) return undefined;
  const from = flag !== undefined ? "--store" : "TCFLOW_STORE";
  if (flag !== undefined && stringFlag(parsed, "state-dir") !== undefined) {
    throw new UsageError("--store and --state-dir name two different stores; give one");
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new UsageError(
      `${from}: expected a postgres://USER:PASS@HOST:PORT/DB URL (--state-dir DIR is the file store)`,
    );
  }
  return url;
}

/**
 * The command's store: PostgreSQL for `--store postgres://…` (or env `TCFLOW_STORE`), else the
 * files of the state directory. The caller ends it (`store.end?.()`) when done.
 *
 * @throws {UsageError} a `--store` that is not a postgres URL, or both `--store` and `--state-dir`
 * @throws {JournalError} `E_STORE`: the database cannot be used (exit 3, host named)
 */
export function openStore(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: { leaseS?: number; owner?: string } = {},
): Promise<JournalStore> {
  return openStoreAt({
    stateDir: stateDirOf(parsed, ctx),
    storeUrl: storeUrlOf(parsed, ctx),
    openFile: ctx.deps.openFile,
    ...options,
  });
}

/**
 * The rate limiter of a command: on a database store the buckets are the database's, shared
 * with every worker and command on it (PRODUCT.md section 14); else the connection's own.
 */
export function rateLimiterOf(
  store: JournalStore,
  connection: Pick<Connection, "rateLimiter" | "deps">,
  parsed: ParsedArgs,
): Promise<RateLimiter> {
  return storeRateLimiter(store, connection, Number(stringFlag(parsed, "rate-scale") ?? 1));
}

/** Where a run is journaled, for messages: its directory, or the database and run id. */
export function runLocation(store: JournalStore, runId: string): string {
  return store instanceof FileJournalStore ? store.runDir(runId) : `${store.location} run ${runId}`;
}

/**
 * Reads a run.
 *
 * @throws {UsageError} no such run (with a "did you mean" among the runs), a bad id, or a
 *   damaged journal (nothing is guessed from it)
 */
export async function readRun(
  store: JournalStore,
  runId: string,
  command: string,
): Promise<RunRecord> {
  try {
    return await store.read(runId);
  } catch (error) {
    if (
      error instanceof JournalError &&
      (error.code === "E_RUN_NOT_FOUND" || error.code === "E_RUN_ID")
    ) {
      throw new UsageError(`${command}: ${await notFoundMessage(store, runId, error)}`);
    }
    if (error instanceof JournalError && error.code === "E_RUN_DAMAGED") {
      throw damagedUsage(error, command);
    }
    throw error;
  }
}

/** The refusal of a damaged run: what does not check, and that nothing was sent. */
function damagedUsage(error: JournalError, command: string): UsageError {
  return new UsageError(
    `${command}: run ${error.runId} is damaged (${error.reason}); nothing was sent. ` +
      `Its journal cannot be trusted, so tcflow does not guess what was applied: check the ` +
      `resources by hand`,
  );
}

async function notFoundMessage(
  store: JournalStore,
  runId: string,
  error: JournalError,
): Promise<string> {
  if (error.code === "E_RUN_ID") return error.message;
  const ids = (await store.list()).map((run) => run.runId);
  const hint = runIdHint(runId, ids);
  if (hint !== undefined) return `no run ${runId} in ${store.location}; did you mean ${hint}?`;
  return ids.length === 0
    ? `no run ${runId}: ${store.location} has no runs (give --state-dir if they are elsewhere)`
    : `no run ${runId} in ${store.location}; "tcflow runs" lists them`;
}

/**
 * The run id meant by a mistyped one: the only id it begins, or the only id at the fewest edits
 * when that is at most 2 (a typo). Ids share their time stamps, so anything looser would name
 * unrelated runs.
 */
export function runIdHint(runId: string, ids: readonly string[]): string | undefined {
  const prefixed = ids.filter((id) => id.startsWith(runId));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) return undefined;
  let best: string[] = [];
  let bestDistance = 3;
  for (const id of ids) {
    const distance = editDistance(runId, id);
    if (distance < bestDistance) [best, bestDistance] = [[id], distance];
    else if (distance === bestDistance) best.push(id);
  }
  return best.length === 1 ? best[0] : undefined;
}

export type { RecordedRun };

/**
 * The region recorded at the start of a run, which `resume` and `rollback` use (else the
 * connection's). A `--region` that contradicts it is refused rather than sending the rest of
 * the run elsewhere.
 *
 * @throws {UsageError} `--region` differs from the recorded region
 */
export function recordedRegion(
  record: RunRecord,
  parsed: ParsedArgs,
  command: string,
): string | undefined {
  const recorded = record.meta.region;
  const flag = stringFlag(parsed, "region");
  if (recorded !== undefined && flag !== undefined && flag !== recorded) {
    throw new UsageError(
      `${command}: run ${record.meta.runId} started in region ${recorded}; --region ${flag} would send the rest elsewhere`,
    );
  }
  return recorded;
}

/**
 * {@link recordedRun} with the command's `--input`, `--inputs` and `--quiet` flags.
 *
 * @throws {UsageError} see {@link recordedRun}
 */
export async function loadRecordedRun(
  record: RunRecord,
  parsed: ParsedArgs,
  ctx: CliContext,
  command: string,
  from: {
    /** The run's store: a database store's sealed secret inputs are opened with the key. */
    store?: JournalStore;
    /** The secret inputs already opened (a worker). */
    sealed?: Record<string, unknown>;
  } = {},
): Promise<RecordedRun> {
  const inputFlags = listFlag(parsed, "input");
  const { store } = from;
  // A database store (loaded only when used: the file store never loads the driver).
  const sealed = from.sealed !== undefined
    ? { sealed: from.sealed }
    : store !== undefined && "sealedInputsOf" in store
    ? await sealedInputsFor(store as PgJournalStore, record.meta.runId, inputFlags, ctx, command)
    : {};
  const run = await recordedRun(record, {
    command,
    inputFlags,
    inputsFile: stringFlag(parsed, "inputs"),
    quiet: boolFlag(parsed, "quiet"),
    stderr: (text) => ctx.io.stderr(text),
    env: ctx.env,
    ...sealed,
  });
  // A `--region` given at the start replaced the workflow's `region:` for the whole run.
  const region = record.meta.target?.region;
  return region === undefined ? run : { ...run, workflow: { ...run.workflow, region } };
}

/**
 * The secret inputs a submitted run keeps sealed in the database, opened with the seal key
 * (env `TCFLOW_SEAL_KEY`) for `resume`, `rollback` and `notebook`; without the key, the hint of
 * a missing secret input names it. Inputs given again with `--input` need no key.
 *
 * @throws {UsageError} a bad key, or sealed inputs that do not open and are not given again
 */
async function sealedInputsFor(
  store: PgJournalStore,
  runId: string,
  inputFlags: string[],
  ctx: CliContext,
  command: string,
): Promise<{ sealed?: Record<string, unknown>; missingHint?: string }> {
  const sealed = await store.sealedInputsOf(runId);
  if (sealed === undefined) return {};
  const given = new Set(inputFlags.map((flag) => flag.slice(0, flag.indexOf("=")).trim()));
  if (Object.keys(sealed.inputs).every((name) => given.has(name))) return {};
  const key = await readSealKey(ctx.env(SEAL_KEY_ENV));
  if (key === undefined) {
    return {
      missingHint: `, or set ${SEAL_KEY_ENV} to the key the run was submitted with (its ` +
        `secret inputs are sealed in the database under the key of fingerprint ${sealed.keyId})`,
    };
  }
  try {
    return { sealed: await openInputs(key, runId, sealed) };
  } catch (error) {
    if (!(error instanceof SealedInputError)) throw error;
    throw new UsageError(`${command}: ${error.message}; give its secret inputs with --input`);
  }
}

/**
 * Takes the run's writer lock. When another process writes the run (it is running, resuming
 * or rolling back), says so and returns false: the command then exits 1.
 */
export async function openRun(
  store: JournalStore,
  runId: string,
  ctx: CliContext,
  command = "resume",
): Promise<boolean> {
  try {
    await store.open(runId);
    return true;
  } catch (error) {
    if (error instanceof JournalError && error.code === "E_RUN_LOCKED") {
      ctx.io.stderr(`tcflow: ${error.message}\n`);
      return false;
    }
    if (error instanceof JournalError && error.code === "E_RUN_DAMAGED") {
      throw damagedUsage(error, command);
    }
    throw error;
  }
}

/** A recorded run taken up again by `resume` or `rollback`. */
export interface ReopenedRun {
  connection: TargetedConnection;
  /** The region recorded at the start of the run, else the connection's. */
  region: string | undefined;
  /** Values that must never be printed: secret inputs, secret keys and session tokens. */
  secrets: string[];
  /** The run's journal, then (unless `--quiet`) progress on stderr. */
  sinks: RunSink[];
}

/**
 * Connects for a recorded run and takes its writer lock. Returns `undefined` (the connection
 * closed) when another process writes the run. Otherwise the caller closes the connection and
 * the store's run when done.
 *
 * @throws {UsageError} `--region` differs from the recorded region
 * @throws {ConfigError} missing or malformed credentials
 */
export async function reopenRun(o: {
  store: JournalStore;
  runId: string;
  /** The run as read before connecting. */
  record: RunRecord;
  run: RecordedRun;
  parsed: ParsedArgs;
  ctx: CliContext;
  output: OutputFlags;
  command: string;
}): Promise<ReopenedRun | undefined> {
  const { store, runId, parsed, ctx } = o;
  const startRegion = recordedRegion(o.record, parsed, o.command);
  const connection = await connect(parsed, ctx, {
    clouds: cloudsOf(o.run.workflow),
    recorded: o.record.meta.target,
  });
  const region = startRegion ?? connection.region;
  const secrets = [...o.run.inputSecrets, ...connection.secrets];
  if (!(await openRun(store, runId, ctx, o.command))) {
    connection.close();
    return undefined;
  }
  const sinks: RunSink[] = [
    journalSink(store, runId, { secrets, names: runNames(o.run.workflow) }),
  ];
  if (!o.output.quiet) {
    sinks.push(progressSink({ write: (text) => ctx.io.stderr(text), color: o.output.color }));
  }
  return { connection, region, secrets, sinks };
}
