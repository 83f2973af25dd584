/**
 * `tcflow worker --store postgres://…`: claims queued runs (`tcflow submit`) with
 * `FOR UPDATE SKIP LOCKED`, runs them under a lease renewed by heartbeats, and takes over the
 * runs of workers whose lease ran out (they died). A taken-over run continues like `resume`:
 * finished steps and items are not sent again, an in-flight one is re-sent only when that is
 * safe (a read, or a ClientToken, which is the same), else it is recorded `uncertain`.
 *
 * One stderr line per claim, reclaim, finish and lost lease. SIGTERM or Ctrl-C stops claiming
 * and lets the runs in hand finish; a second one stops them at once and releases them (their
 * lease is given back, another worker resumes them).
 *
 * @module
 */
import { teeSink } from "../journal/events.ts";
import { runWorkflow } from "../engine/executor.ts";
import { type Claim, isConnectionError, PgJournalStore } from "../journal/pg_store.ts";
import { recordedSteps, replay, resumeState } from "../journal/replay.ts";
import { JournalError, journalSink, type RunRecord } from "../journal/store.ts";
import { loadWorkflowText } from "../workflow/load.ts";
import { createPgRateLimiter, type SlotSpend } from "../cluster/pg_rate_limiter.ts";
import { leaseGuarded, LeaseLost } from "../cluster/lease_guard.ts";
import { ItemWorker } from "../cluster/item_worker.ts";
import { pgItemDispatcher } from "../cluster/pg_item_dispatcher.ts";
import { pruneItems } from "../cluster/pg_items.ts";
import { providerOfService } from "../provider/registry.ts";
import type { CallPort, ProviderName } from "../protocol/provider.ts";
import { cloudsOf, connect, CONNECT_FLAGS, type Connection } from "./_connect.ts";
import { loadRecordedRun, storeUrlOf } from "./_journal.ts";
import { formatDuration } from "./_progress.ts";
import { boolFlag, parseCommandArgs, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";
import { refuse, unsafeToRetry } from "./resume.ts";
import { runNames } from "../workflow/names.ts";
import {
  openInputs,
  readSealKey,
  SEAL_KEY_ENV,
  SealedInputError,
  type SealKey,
} from "../journal/sealed_inputs.ts";

/** Text of `tcflow worker --help`. */
export const WORKER_USAGE =
  `Usage: tcflow worker --store postgres://USER:PASS@HOST:PORT/DB [--concurrency N] [--lease 10s]
                     [--exit-when-idle] [--name NAME] [--emulator | --endpoint-url URL]
                     [--regional-endpoints] [--region R] [--profile P] [--rate-scale X]
                     [--item-retention 24h]

Claims runs queued by "tcflow submit" and runs them, N at a time (default 1). A claim is a
lease (default 10s, renewed every third of it); a worker that dies loses nothing: after its
lease another worker takes its runs over and continues them like "tcflow resume". Rate limits
are shared by every worker of the database. One line per claim, finish and reclaim goes to
stderr. --exit-when-idle exits 0 once no queued or running run is left. SIGTERM or Ctrl-C:
stop claiming and finish what is in hand; a second one stops and releases it at once.
The items of a run's foreach steps are shared by every worker: each worker sends up to N at
once (never more than the step's concurrency over all workers). Items of runs finished more
than --item-retention ago (env TCFLOW_ITEM_RETENTION, default 24h) are deleted.
Runs submitted with secret inputs are sealed with the key in env TCFLOW_SEAL_KEY: a worker
takes them only with the same key in its own TCFLOW_SEAL_KEY (others leave them queued).
`;

const WORKER_FLAGS = {
  ...CONNECT_FLAGS,
  concurrency: { type: "string" },
  lease: { type: "string" },
  "exit-when-idle": { type: "boolean" },
  name: { type: "string" },
  "item-retention": { type: "string" },
} as const;

/** Env of the rate trace (proofs only): a file the worker appends its rate slots to. */
export const RATE_TRACE_ENV = "TCFLOW_RATE_TRACE";

/** How often a worker deletes the items of runs finished longer ago than the retention. */
const PRUNE_EVERY_MS = 60_000;

/** How long an idle worker waits before looking for work again. */
const POLL_MS = 250;

/** `tcflow worker`. */
export const workerCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("worker", args, WORKER_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(WORKER_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`worker: takes no arguments (got ${parsed.positionals.join(" ")})`);
  }
  const url = storeUrlOf(parsed, ctx);
  if (url === undefined) {
    throw new UsageError("worker: needs --store postgres://… (or env TCFLOW_STORE)");
  }
  const concurrency = parseConcurrency(stringFlag(parsed, "concurrency"));
  const leaseS = parseLease(stringFlag(parsed, "lease"));
  const retentionS = parseRetention(
    stringFlag(parsed, "item-retention") ?? nonEmpty(ctx.env("TCFLOW_ITEM_RETENTION")),
  );
  const name = stringFlag(parsed, "name") ?? `worker-${Deno.pid}`;
  const log = (text: string) => ctx.io.stderr(`worker ${name}: ${text}\n`);
  // Runs submitted with secret inputs are taken only with the key that sealed them.
  const sealKey = await readSealKey(ctx.env(SEAL_KEY_ENV));
  const keyId = sealKey?.fingerprint;
  const noted = new Set<string>();
  let sealedCheckedMs = -Infinity;
  const controllers = new Map<string, AbortController>();
  let stopping = false;
  let released = false;
  const store = await PgJournalStore.connect(url, {
    leaseS,
    owner: name,
    max: concurrency + 2,
    // Heartbeats on a connection of their own: never queued behind claims and completions.
    heartbeatConnection: true,
    onLeaseLost: (runId) => controllers.get(runId)?.abort(new LeaseLost(runId)),
  });
  // Every connection of the pool is opened now, not on the first burst of claims: a login
  // (SCRAM-SHA-256) costs the event loop tens of milliseconds, and 16 of them at the first
  // claim made every rate slot of that second late, then sent together.
  await openPool(store.sql, concurrency + 2);
  const stop = stopSignals(() => {
    if (stopping) {
      log(`stopping now: releasing ${controllers.size} run(s) and ${items.busy} item(s)`);
      released = true;
      for (const [runId, c] of controllers) c.abort(new Released(runId));
      void items.releaseAll();
    } else {
      log(
        `stopping: no new runs claimed; finishing ${controllers.size} run(s) (and their items) ` +
          `and ${items.busy} item(s) (again to stop now)`,
      );
    }
    stopping = true;
  });
  // For proofs only: env TCFLOW_RATE_TRACE=FILE appends one JSON line per rate slot (its time
  // by the database clock, how late the worker woke, spent or wasted) and one per request of an
  // item sent (when it went out, the RequestId of its answer) when the worker exits.
  const tracePath = nonEmpty(ctx.env(RATE_TRACE_ENV));
  const trace: string[] = [];
  const rateLimiter = createPgRateLimiter({
    sql: store.sql,
    deps: ctx.deps,
    scale: Number(stringFlag(parsed, "rate-scale") ?? 1),
    ...(tracePath !== undefined
      ? {
        onSpend: (key: string, spend: SlotSpend) =>
          trace.push(
            JSON.stringify({ action: key.split("\u0000")[1], ...spend, wokeMs: ctx.deps.now() }),
          ),
      }
      : {}),
  });
  const clients = new Map<ProviderName, Promise<Connection>>();
  const clientFor = async (service: string): Promise<CallPort> => {
    const cloud = (providerOfService(service)?.name ?? "tencent") as ProviderName;
    let connection = clients.get(cloud);
    if (connection === undefined) {
      connection = connect(parsed, ctx, { clouds: new Set([cloud]) });
      clients.set(cloud, connection);
    }
    const client = (await connection).client;
    return tracePath === undefined
      ? client
      : tracedSends(client, ctx.deps, (send) => trace.push(JSON.stringify(send)));
  };
  const items = new ItemWorker({
    sql: store.sql,
    heartbeatSql: store.heartbeatSql,
    owner: name,
    leaseS,
    slots: concurrency,
    deps: ctx.deps,
    clientFor,
    rateLimiter,
    log,
  });
  const dispatcher = pgItemDispatcher({ sql: store.sql, sleep: ctx.deps.sleep });
  let failures = 0;
  let prunedAtMs = -Infinity;
  const active = new Set<Promise<void>>();
  try {
    const sealing = keyId !== undefined ? `, seal key ${keyId}` : "";
    log(`ready (concurrency ${concurrency}, lease ${leaseS}s${sealing}) on ${store.location}`);
    let backoffMs = POLL_MS;
    // Stopping (a first SIGTERM/Ctrl-C): no new run is claimed, but items still are while a run
    // in hand waits for them, so that what the worker holds finishes.
    while (!stopping || active.size > 0) {
      let claim: Claim | undefined;
      let claimedItems = 0;
      try {
        if (ctx.deps.now() - prunedAtMs >= PRUNE_EVERY_MS) {
          prunedAtMs = ctx.deps.now();
          const pruned = await pruneItems(store.sql, retentionS);
          if (pruned > 0) log(`pruned the items of ${pruned} finished step(s)`);
        }
        claim = !stopping && active.size < concurrency ? await store.claimNext(keyId) : undefined;
        claimedItems = !released && items.busy < concurrency ? await items.claim() : 0;
        backoffMs = POLL_MS;
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        log(`database unreachable (${describe(error)}); retrying in ${backoffMs} ms`);
        await pause(ctx, backoffMs, active, items);
        backoffMs = Math.min(backoffMs * 2, 10_000);
        continue;
      }
      if (claim !== undefined && stopping) {
        // A claim already on its way when the worker was told to stop: handed back at once
        // (running it after a second signal released everything would wait for items this
        // worker no longer takes, and never end).
        await store.close(claim.runId);
        log(`released run ${claim.runId}; another worker continues it`);
        claim = undefined;
      }
      if (claim !== undefined) {
        const controller = new AbortController();
        const runId = claim.runId;
        controllers.set(runId, controller);
        const job = execute(claim, controller.signal)
          .then((ok) => void (ok ? 0 : failures++))
          .finally(() => {
            controllers.delete(runId);
            active.delete(job);
          });
        active.add(job);
      }
      if (claim !== undefined || claimedItems > 0) continue;
      const idle = boolFlag(parsed, "exit-when-idle") && active.size === 0 && items.busy === 0;
      if (idle || ctx.deps.now() - sealedCheckedMs >= SEALED_CHECK_MS) {
        sealedCheckedMs = ctx.deps.now();
        await noteSealedForOthers().catch(() => {});
      }
      if (idle && (await store.unfinishedQueued(keyId)) === 0) {
        log(`idle: no queued or running run left${noted.size > 0 ? " that it can take" : ""}`);
        break;
      }
      await pause(ctx, POLL_MS, active, items);
    }
    await items.drain();
    await Promise.all(active);
  } finally {
    stop();
    items.close();
    for (const connection of clients.values()) connection.then((c) => c.close(), () => {});
    await store.end();
    if (tracePath !== undefined && trace.length > 0) {
      await Deno.writeTextFile(tracePath, trace.join("\n") + "\n", { append: true });
    }
  }
  return failures > 0 ? EXIT.failed : EXIT.ok;

  /** Says once per run which queued runs were sealed with a key this worker does not have. */
  async function noteSealedForOthers(): Promise<void> {
    for (const [runId, sealedBy] of await store.sealedForOthers(keyId)) {
      if (noted.has(runId)) continue;
      noted.add(runId);
      log(
        `left run ${runId} queued: its secret inputs are sealed with the key of fingerprint ` +
          `${sealedBy}, and ${
            sealKey === undefined
              ? `this worker has no ${SEAL_KEY_ENV}`
              : `its ${SEAL_KEY_ENV} is ${keyId}`
          } (a worker with that key takes it)`,
      );
    }
  }

  /** Runs one claimed run; true when it succeeded (or was handed over). */
  async function execute(claim: Claim, signal: AbortSignal): Promise<boolean> {
    const { runId } = claim;
    const startMs = ctx.deps.now();
    try {
      const record = await store.read(runId);
      log(
        claim.previousOwner !== undefined && claim.previousOwner !== name
          ? `reclaimed run ${runId} (${record.meta.workflow}) from ${claim.previousOwner}`
          : `claimed run ${runId} (${record.meta.workflow})`,
      );
      const sealed = await openSealed(store, sealKey, runId);
      if (sealed instanceof SealedInputError) {
        await failSealed(store, runId, record, sealed, ctx);
        log(`finished run ${runId} failed: ${sealed.message}; nothing was sent`);
        return false;
      }
      const run = await loadRecordedRun(
        record,
        withoutInputs(parsed),
        ctx,
        "worker",
        sealed !== undefined ? { sealed } : {},
      );
      const connection = await connect(parsed, ctx, { clouds: cloudsOf(run.workflow) });
      try {
        const region = record.meta.region ?? connection.region;
        const secrets = [...run.inputSecrets, ...connection.secrets];
        const sink = teeSink(journalSink(store, runId, { secrets, names: runNames(run.workflow) }));
        const state = replay(record.events, record.meta);
        const resume = resumeState(state);
        const blocked = new Map<string, string>();
        for (const id of resume.inFlight) {
          const why = unsafeToRetry(run.workflow, id);
          if (why !== undefined) blocked.set(id, why);
        }
        if (blocked.size > 0 || resume.uncertain.length > 0) {
          await refuse({
            ctx,
            sink,
            runId,
            blocked,
            uncertain: resume.uncertain,
            state,
            json: false,
          });
          log(`finished run ${runId} failed: uncertain steps (${[...blocked.keys()].join(", ")})`);
          return false;
        }
        const result = await runWorkflow(run.workflow, {
          inputs: run.inputs,
          deps: connection.deps,
          client: leaseGuarded(connection.client, {
            runId,
            holdsLease: () => store.holdsLease(runId),
            onLost: (error) => controllers.get(runId)?.abort(error),
          }),
          rateLimiter,
          itemDispatcher: dispatcher,
          sink,
          runId,
          env: run.env,
          secrets,
          signal,
          resume: recordedSteps(resume),
          resumeItems: Object.fromEntries(resume.items),
          resumePolls: Object.fromEntries(resume.polls),
          resumePages: Object.fromEntries(resume.pages),
          ...(region !== undefined ? { region } : {}),
        });
        const took = formatDuration(ctx.deps.now() - startMs);
        log(`finished run ${runId} ${result.status} in ${took}`);
        return result.status === "succeeded";
      } finally {
        connection.close();
      }
    } catch (error) {
      const reason = signal.aborted ? signal.reason : error;
      if (reason instanceof LeaseLost || isFenced(error)) {
        log(`lost its lease on run ${runId}; recorded nothing more (another worker continues it)`);
        return true;
      }
      if (reason instanceof Released) {
        log(`released run ${runId}; another worker continues it`);
        return true;
      }
      const message = error instanceof Error ? error.message : String(error);
      log(`run ${runId} stopped: ${message}`);
      return false;
    } finally {
      await store.close(runId).catch(() => {});
    }
  }
};

/**
 * The secret inputs of a claimed run opened with the worker's seal key: `undefined` when it has
 * none, a {@link SealedInputError} when they do not open (changed in the database, or moved
 * from another run or input).
 */
async function openSealed(
  store: PgJournalStore,
  key: SealKey | undefined,
  runId: string,
): Promise<Record<string, unknown> | SealedInputError | undefined> {
  try {
    const sealed = await store.sealedInputsOf(runId);
    if (sealed === undefined) return undefined;
    if (key === undefined) {
      return new SealedInputError(
        "",
        `run ${runId} has secret inputs sealed with the key of fingerprint ${sealed.keyId}, ` +
          `and this worker has no ${SEAL_KEY_ENV}`,
      );
    }
    return await openInputs(key, runId, sealed);
  } catch (error) {
    if (error instanceof SealedInputError) return error;
    throw error;
  }
}

/**
 * Records a claimed run whose sealed inputs did not open as failed before any step ran, with
 * the reason (`E_SEALED_INPUT`, no value): `runs`, `report` and `submit --wait` show it, and no
 * worker claims it again.
 */
async function failSealed(
  store: PgJournalStore,
  runId: string,
  record: RunRecord,
  error: SealedInputError,
  ctx: CliContext,
): Promise<void> {
  const { meta } = record;
  const now = ctx.deps.now();
  const stepIds = loadWorkflowText(meta.workflowSource, meta.file).workflow?.steps
    .map((step) => step.id) ?? [];
  const sink = journalSink(store, runId);
  await sink.append({
    type: "run-started",
    timeMs: now,
    runId,
    workflow: meta.workflow,
    file: meta.file,
    inputs: meta.inputs,
    stepIds,
  });
  await sink.append({
    type: "run-finished",
    timeMs: now,
    runId,
    status: "failed",
    durationMs: 0,
    outputs: {},
    error: {
      code: "E_SEALED_INPUT",
      message: `${error.message}; nothing was sent. Submit the run again with the right ` +
        `${SEAL_KEY_ENV}`,
    },
  });
}

/** How often an idle worker looks for queued runs sealed with another key (to say so once). */
const SEALED_CHECK_MS = 5_000;

/** The reason of a run stopped by a second SIGTERM/Ctrl-C. */
class Released extends Error {
  constructor(runId: string) {
    super(`run ${runId} released`);
    this.name = "Released";
  }
}

function isFenced(error: unknown): boolean {
  return error instanceof JournalError && error.code === "E_RUN_FENCED";
}

/** A worker gives no inputs: a run keeps the inputs it was submitted with. */
function withoutInputs(parsed: ParsedArgs): ParsedArgs {
  const { input: _input, inputs: _inputs, ...flags } = parsed.flags;
  return { ...parsed, flags };
}

/** Opens `n` connections of the pool at once (each runs a trivial query). */
async function openPool(sql: PgJournalStore["sql"], n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => sql`SELECT 1`));
}

/** Waits `ms`, or less when a run or an item in hand finishes. */
async function pause(
  ctx: CliContext,
  ms: number,
  active: Set<Promise<void>>,
  items: ItemWorker,
): Promise<void> {
  const timer = new AbortController();
  await Promise.race([
    ctx.deps.sleep(ms, timer.signal).catch(() => {}),
    ...active,
    ...(items.busy > 0 ? [items.oneDone()] : []),
  ]);
  timer.abort();
}

/** `--item-retention`: `30m`, `24h`, `7d` or seconds; default 24h. */
export function parseRetention(text: string | undefined): number {
  if (text === undefined) return 24 * 3600;
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match?.[2] ?? "s"] ?? 1;
  const value = match === null ? NaN : Number(match[1]) * unit;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new UsageError(
      `--item-retention must be a duration like 24h or 7d, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === "" ? undefined : text;
}

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(
      `--concurrency must be an integer from 1 to 1000, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** `10s`, `500ms`, `2m` or a number of seconds. */
export function parseLease(text: string | undefined): number {
  if (text === undefined) return 10;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) /
    (match[2] === "ms" ? 1000 : 1) * (match[2] === "m" ? 60 : 1);
  if (!(value >= 0.3) || value > 3600) {
    throw new UsageError(
      `--lease must be a duration from 300ms to 1h like 10s, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}

/** Calls `handler` on SIGTERM and SIGINT until the returned function is called. */
function stopSignals(handler: () => void): () => void {
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  const added: Deno.Signal[] = [];
  for (const signal of signals) {
    try {
      Deno.addSignalListener(signal, handler);
      added.push(signal);
    } catch {
      // not on this platform
    }
  }
  return () => {
    for (const signal of added) Deno.removeSignalListener(signal, handler);
  };
}

/** One request of the rate trace: when it went out (local clock, ms) and its answer's id. */
export interface SentRequest {
  sentMs: number;
  requestId: string;
}

/**
 * A client that tells `onSent` when each request went out (right after the caller's
 * `beforeSend`: signed, its rate-limit slot taken) and the RequestId of its answer, so that a
 * proof can find it in the server's call log (`TCFLOW_RATE_TRACE`).
 */
export function tracedSends(
  client: CallPort,
  deps: Pick<CliContext["deps"], "now">,
  onSent: (sent: SentRequest) => void,
): CallPort {
  return {
    secretId: client.secretId,
    async call(service, action, version, region, params, opts) {
      let sentMs: number | undefined;
      const beforeSend = async () => {
        await opts?.beforeSend?.();
        sentMs = deps.now();
      };
      const told = (requestId: unknown) => {
        if (sentMs !== undefined && typeof requestId === "string" && requestId !== "") {
          onSent({ sentMs, requestId });
        }
      };
      try {
        const result = await client.call(service, action, version, region, params, {
          ...opts,
          beforeSend,
        });
        told(result.requestId);
        return result;
      } catch (error) {
        told((error as { requestId?: unknown } | undefined)?.requestId);
        throw error;
      }
    },
  };
}
