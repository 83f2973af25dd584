/**
 * Execution of one action step: region and version, `foreach` with bounded concurrency, the
 * `ClientToken`, pagination and the `until` poll. The executor calls {@link runActionStep}.
 *
 * @module
 */
import { findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import { resolveValue } from "../expr/resolve.ts";
import type { ActionStep, CallSpec, RetryPolicy } from "../workflow/model.ts";
import {
  type CallEnv,
  type CallOutcome,
  callPaginated,
  type CallTarget,
  callWithRetry,
  errorInfo,
  isMutating,
} from "./call.ts";
import { JsonNumber } from "../json.ts";
import { clientTokenFor } from "./client_token.ts";
import type { ErrorInfo, ItemStatus } from "../journal/events.ts";
import type { PageProgress, PollProgress, RecordedItem } from "../journal/replay.ts";
import type { PagerState } from "../catalog/pager.ts";
import { holdsRedaction, type ValueObserver } from "../secrets.ts";
import { DEFAULT_POLL } from "../workflow/defaults.ts";
import type { ItemDispatcher } from "./item_dispatch.ts";
import { callOutcomeOf, remoteItems } from "./_remote_items.ts";

/** What the step runner needs besides the call environment. */
export interface StepEnv extends CallEnv {
  runId: string;
  /** Region when neither the step nor the workflow gives one. */
  defaultRegion: string;
  /** The request bodies sent, as they were resolved (for events; redacted later). */
  requests: unknown[];
  /** Sees every `${{ }}` of `with:` and `until:` as it is evaluated (see `ValueObserver`). */
  observe?: ValueObserver | undefined;
  /** Hands `foreach` items to other processes (a worker of a database store). */
  dispatcher?: ItemDispatcher | undefined;
  /** Whether a value holds a secret of the run (such a request is never handed out). */
  carriesSecret?: ((value: unknown) => boolean) | undefined;
  /** The polls of this step an earlier session stopped in, by item index (`-1`: no item). */
  resumePolls?: Record<number, PollProgress> | undefined;
  /** The pages of this step an earlier session read, by item index (`-1`: no item). */
  resumePages?: Record<number, PageProgress> | undefined;
}

/**
 * One `foreach` item of a step result (`run --json`): `skipped` when it never started (the
 * step stopped at an earlier failure).
 */
export interface ItemResult {
  /** The item's place in the `foreach` list, from 0. */
  index: number;
  /** How it ended; `skipped`: never started. */
  status: ItemStatus | "skipped";
  /** Requests it sent (retries included). */
  attempts: number;
  /** Why it failed or is uncertain. */
  error?: { code: string; message: string };
}

export type { RecordedItem };

/** The result of an action step. */
export interface ActionResult {
  status: "succeeded" | "failed" | "uncertain";
  outputs: unknown;
  requestId: string;
  attempts: number;
  error?: ErrorInfo;
  /** Every item of a `foreach` step, in order. */
  items?: ItemResult[];
  /** Some item's answer held credentials and was stored by its sender with `***`. */
  redacted?: boolean;
}

/** How a resumed `foreach` step treats the items an earlier session recorded. */
export interface ItemResume {
  /** The items recorded, by index. */
  recorded: ReadonlyMap<number, RecordedItem>;
  /** Send again the items recorded `uncertain` or in flight (`--retry-uncertain`). */
  retryUncertain: boolean;
  /**
   * Why sending an item that was in flight again could apply it twice (a mutating action
   * without a `ClientToken`), or `undefined` when it is safe.
   */
  unsafe: string | undefined;
}

/** A resolution or engine problem of the step itself (not of an API call). */
export class StepError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "StepError";
  }
}

/** Resolves which action a call spec names (version from the catalog when not pinned). */
export function resolveTarget(
  call: CallSpec,
  vars: Record<string, unknown>,
  wfRegion: string | undefined,
  defaultRegion: string,
): CallTarget {
  const service = serviceOfRef(call.action);
  const action = call.action.action;
  const spec = findActionAnyCloud(service, action, call.version);
  const version = call.version ?? spec?.version;
  if (version === undefined) {
    throw new StepError("E_UNKNOWN_ACTION", `${service}.${action} is not in the catalog`);
  }
  let region = wfRegion ?? defaultRegion;
  if (call.region !== undefined) {
    const value = resolveValue(call.region, vars);
    if (typeof value !== "string") {
      throw new StepError("E_TYPE", `region must be a string, got ${typeof value}`);
    }
    region = value;
  }
  return { service, action, version, region, spec };
}

/**
 * What is known of an action step before it runs, for its `step-started` event: its region
 * and its `foreach` items, when they resolve without the item (else left out).
 */
export function startInfo(
  step: ActionStep,
  vars: Record<string, unknown>,
  wfRegion: string | undefined,
  defaultRegion: string,
): { region?: string; items?: unknown[] } {
  const info: { region?: string; items?: unknown[] } = {};
  try {
    info.region = resolveTarget(step, vars, wfRegion, defaultRegion).region;
  } catch {
    // The region depends on `item`, or the action is unknown: the step reports it.
  }
  if (step.foreach !== undefined) {
    try {
      const items = toJsonLike(resolveValue(step.foreach, vars));
      if (Array.isArray(items)) info.items = items;
    } catch {
      // Reported when the step runs.
    }
  }
  return info;
}

/**
 * Evaluates, without sending anything, the `with:` of an action step taken from the journal of
 * the run being resumed (for each of its `foreach` items), so that `observe` derives the secrets
 * that block made in the first session: a later answer that echoes one stays redacted. What does
 * not evaluate now (a value read from a redacted output, say) derives nothing.
 */
export function deriveAgain(
  step: ActionStep,
  vars: Record<string, unknown>,
  observe: ValueObserver,
): void {
  let items: unknown[] = [undefined];
  if (step.foreach !== undefined) {
    try {
      const listed = toJsonLike(resolveValue(step.foreach, vars, observe));
      if (!Array.isArray(listed)) return;
      items = listed;
    } catch {
      return;
    }
  }
  for (const [index, item] of items.entries()) {
    const itemVars = step.foreach === undefined ? vars : { ...vars, item, index: BigInt(index) };
    try {
      resolveParams(step, itemVars, observe);
    } catch {
      // Derives nothing.
    }
  }
}

/** Resolves a `with:` block to the request parameters. */
export function resolveParams(
  call: CallSpec,
  vars: Record<string, unknown>,
  observe?: ValueObserver,
): Record<string, unknown> {
  const value = toJsonLike(resolveValue(call.with, vars, observe));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new StepError("E_TYPE", "`with` must resolve to a map");
  }
  return value as Record<string, unknown>;
}

/**
 * Converts evaluator values to what is sent as JSON: integers stay bigint; CEL `uint`
 * becomes bigint, timestamps ISO strings, durations their text, bytes base64.
 */
export function toJsonLike(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toJsonLike);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return btoa(String.fromCharCode(...value));
  if (value instanceof JsonNumber) return value; // written as its exact text
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const inner = (value as { value?: unknown }).value;
    if (typeof inner === "bigint") return inner; // CEL uint
    return String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = toJsonLike(item);
  return out;
}

/**
 * Runs an action step (the `when` check is done by the caller).
 *
 * @param vars the expression scope of the step (`inputs`, `steps`, `run`, `env`)
 */
export async function runActionStep(
  env: StepEnv,
  step: ActionStep,
  vars: Record<string, unknown>,
  ctx: {
    policy: RetryPolicy;
    timeoutMs?: number | undefined;
    wfRegion?: string | undefined;
    /** The `foreach` items, when already resolved. */
    items?: unknown[] | undefined;
    /** The items an earlier session recorded (`resume`). */
    resume?: ItemResume | undefined;
    /** Why sending an item twice could apply it twice (see {@link ItemResume.unsafe}). */
    unsafe?: string | undefined;
  },
  onItemsKnown: (total: number) => Promise<void>,
  onItemDone: (done: number, failed: number, total: number) => Promise<void>,
): Promise<ActionResult> {
  if (step.foreach === undefined) {
    const outcome = await runItem(env, step, vars, ctx, undefined, (response) => response);
    return outcome.ok
      ? {
        status: "succeeded",
        outputs: outcome.response,
        requestId: outcome.requestId,
        attempts: outcome.attempts,
      }
      : {
        status: outcome.uncertain ? "uncertain" : "failed",
        outputs: null,
        requestId: "",
        attempts: outcome.attempts,
        error: outcome.error,
      };
  }
  const items = ctx.items ?? toJsonLike(resolveValue(step.foreach, vars));
  if (!Array.isArray(items)) throw new StepError("E_TYPE", "`foreach` must resolve to a list");
  await onItemsKnown(items.length);
  const outputs: unknown[] = items.map(() => null);
  const results: ItemResult[] = items.map((_, index) => ({
    index,
    status: "skipped",
    attempts: 0,
  }));
  // Items that succeeded in an earlier session are not sent again: their outputs are reused.
  const todo: number[] = [];
  let done = 0;
  let requestId = "";
  for (const index of items.keys()) {
    const before = ctx.resume?.recorded.get(index);
    if (before?.status === "succeeded") {
      outputs[index] = before.outputs;
      results[index] = { index, status: "succeeded", attempts: before.attempts };
      requestId = before.requestId ?? requestId;
      done++;
    } else {
      todo.push(index);
    }
  }
  let next = 0;
  let failedCount = 0;
  let attempts = 0;
  type Problem = { uncertain: boolean; error: ErrorInfo };
  const state: { problem?: Problem; held?: Problem } = {};
  /** Records an item's outcome (results, outputs, its `item-finished` event, progress). */
  const record = async (
    index: number,
    outcome: CallOutcome,
    itemRequests: unknown[],
    interrupted: boolean,
  ) => {
    env.requests.push(...itemRequests);
    attempts += outcome.attempts;
    done++;
    const status: ItemStatus = outcome.ok
      ? "succeeded"
      : outcome.uncertain
      ? "uncertain"
      : "failed";
    results[index] = { index, status, attempts: outcome.attempts };
    if (outcome.ok) {
      outputs[index] = outcome.response;
      requestId = outcome.requestId;
    } else {
      failedCount++;
      const error = { ...outcome.error, message: `item ${index}: ${outcome.error.message}` };
      results[index]!.error = { code: error.code, message: error.message };
      // An item left uncertain by an earlier session does not stop the others: they are
      // independent of it, and it was not sent now.
      const key = interrupted ? "held" : "problem";
      const previous = state[key];
      if (previous === undefined || (outcome.uncertain && !previous.uncertain)) {
        state[key] = { uncertain: outcome.uncertain, error };
      }
    }
    await env.emit({
      type: "item-finished",
      timeMs: env.deps.now(),
      stepId: step.id,
      index,
      status,
      attempts: outcome.attempts,
      requests: itemRequests,
      outputs: outcome.ok ? outcome.response : null,
      ...(outcome.ok && outcome.requestId !== "" ? { requestId: outcome.requestId } : {}),
      ...(outcome.ok ? {} : { error: outcome.error }),
    });
    await onItemDone(done, failedCount, items.length);
  };
  const finish = (): ActionResult => {
    const problem = state.held !== undefined && !(state.problem?.uncertain ?? false)
      ? state.held
      : state.problem;
    if (problem !== undefined) {
      return {
        status: problem.uncertain ? "uncertain" : "failed",
        outputs,
        requestId,
        attempts,
        error: problem.error,
        items: results,
      };
    }
    return { status: "succeeded", outputs, requestId, attempts, items: results };
  };
  const dispatcher = env.dispatcher;
  const remote = dispatcher === undefined ? undefined : await remoteItems(env, step, todo, {
    policy: ctx.policy,
    timeoutMs: ctx.timeoutMs,
    recorded: ctx.resume?.recorded,
    retryUncertain: ctx.resume?.retryUncertain ?? false,
    unsafe: ctx.unsafe,
    resolve: (index) => {
      const itemVars = { ...vars, item: items[index], index: BigInt(index) };
      return {
        target: resolveTarget(step, itemVars, ctx.wfRegion, env.defaultRegion),
        params: resolveParams(step, itemVars, env.observe),
      };
    },
  });
  if (dispatcher !== undefined && remote !== undefined) {
    for (const [index, error] of remote.held) {
      await record(index, { ok: false, uncertain: true, attempts: 0, error }, [], true);
    }
    let redacted = false;
    if (remote.items.length > 0) {
      await dispatcher.run(remote.step, remote.items, remote, {
        published: async () => {
          // Handed out is in flight for the journal: a plain `resume` of this run treats these
          // items as it treats items in flight at a kill (never sent twice unknowingly).
          await Promise.all(
            remote.items.map(({ index }) =>
              env.emit({ type: "item-started", timeMs: env.deps.now(), stepId: step.id, index })
            ),
          );
        },
        done: async (outcome) => {
          redacted ||= outcome.redacted === true;
          for (const event of outcome.events) await env.emit(event);
          await record(outcome.index, callOutcomeOf(outcome), outcome.requests, false);
          return state.problem === undefined || step.onError === "continue" ? "continue" : "stop";
        },
      }, env.signal);
    }
    return redacted ? { ...finish(), redacted } : finish();
  }
  const worker = async () => {
    // On the first failure no new item starts, unless the step goes on after errors.
    while (next < todo.length && (state.problem === undefined || step.onError === "continue")) {
      const index = todo[next++]!;
      const itemVars = { ...vars, item: items[index], index: BigInt(index) };
      const itemRequests: unknown[] = [];
      const interrupted = notToResend(ctx.resume, index);
      let outcome: CallOutcome;
      if (interrupted !== undefined) {
        outcome = { ok: false, uncertain: true, attempts: 0, error: interrupted };
      } else {
        await env.emit({ type: "item-started", timeMs: env.deps.now(), stepId: step.id, index });
        try {
          // In `until`, `steps.<id>.outputs` is the list of items (as the validator types it),
          // this item's entry being the response just received.
          const selfOutputs = (response: unknown) => outputs.with(index, response);
          const itemEnv = { ...env, requests: itemRequests };
          outcome = await runItem(itemEnv, step, itemVars, ctx, index, selfOutputs);
        } catch (error) {
          if (env.signal?.aborted) throw error;
          outcome = { ok: false, uncertain: false, attempts: 0, error: itemError(error) };
        }
      }
      await record(index, outcome, itemRequests, interrupted !== undefined);
    }
  };
  const width = Math.max(1, Math.min(step.concurrency, todo.length));
  await Promise.all(Array.from({ length: width }, worker));
  return finish();
}

/**
 * Why an item recorded by an earlier session is not sent again (it stays `uncertain`), or
 * `undefined` when it is sent: an item recorded `uncertain`, or one in flight at a kill whose
 * action is unsafe to repeat, waits for `--retry-uncertain`.
 */
function notToResend(resume: ItemResume | undefined, index: number): ErrorInfo | undefined {
  const before = resume?.recorded.get(index);
  if (resume === undefined || before === undefined || resume.retryUncertain) return undefined;
  if (before.status === "uncertain") {
    return before.error ?? { code: "E_UNCERTAIN", message: "outcome unknown" };
  }
  if (before.status === "running" && resume.unsafe !== undefined) {
    return {
      code: "E_INTERRUPTED",
      message: `the run stopped while this item was in flight, so it may have been applied; ` +
        `${resume.unsafe}, so it is not sent again. Check whether it was applied, then resume ` +
        `with --retry-uncertain to send it again`,
    };
  }
  return undefined;
}

/** Why an item's request could not be made (`record` names the item in the step's error). */
function itemError(error: unknown): ErrorInfo {
  return error instanceof StepError
    ? { code: error.code, message: error.message }
    : errorInfo(error);
}

/**
 * The pages an earlier session read of this step (or item), to go on from the next one; none
 * when what was journaled is redacted (it held a secret): the pages are then read again.
 */
function pagesFrom(
  env: StepEnv,
  index: number | undefined,
): { state: PagerState; items: unknown[] } | undefined {
  const read = env.resumePages?.[index ?? -1];
  if (read === undefined || holdsRedaction(read)) return undefined;
  const next = read.next as unknown as PagerState;
  const state = { ...next, pages: Number(next.pages), items: Number(next.items) };
  return { state, items: read.items };
}

/** One item (or the only call) of a step: paginated or not, polled until `until` holds. */
async function runItem(
  env: StepEnv,
  step: ActionStep,
  vars: Record<string, unknown>,
  ctx: { policy: RetryPolicy; timeoutMs?: number | undefined; wfRegion?: string | undefined },
  index: number | undefined,
  selfOutputs: (response: Record<string, unknown>) => unknown,
): Promise<CallOutcome> {
  const target = resolveTarget(step, vars, ctx.wfRegion, env.defaultRegion);
  const params = resolveParams(step, vars, env.observe);
  const poll = step.poll ?? DEFAULT_POLL;
  // A poll an earlier session stopped in goes on: next round, same deadline.
  const resumed = step.until === undefined ? undefined : env.resumePolls?.[index ?? -1];
  const startMs = resumed?.startedMs ?? env.deps.now();
  const due = resumed === undefined ? 0 : resumed.nextMs - env.deps.now();
  if (due > 0) await env.deps.sleep(Math.min(due, poll.intervalMs), env.signal);
  let attempts = 0;
  for (let round = (resumed?.poll ?? 0) + 1;; round++) {
    // A token the user wrote in `with:` is theirs: it is sent, and sent again after a cut.
    const own = params.ClientToken;
    const clientToken = !isMutating(target) || target.spec?.clientToken !== true
      ? undefined
      : own !== undefined
      ? (typeof own === "string" && own !== "" ? own : undefined)
      : await clientTokenFor({
        runId: env.runId,
        stepId: step.id,
        index,
        extra: round > 1 ? `poll-${round}` : undefined,
      });
    env.requests.push(clientToken === undefined ? params : { ...params, ClientToken: clientToken });
    const plan = {
      stepId: step.id,
      index,
      policy: ctx.policy,
      timeoutMs: ctx.timeoutMs,
      clientToken,
    };
    const outcome = step.paginate
      ? await callPaginated(
        env,
        target,
        params,
        plan,
        (page, items, total, { list, next }) =>
          env.emit({
            type: "page-fetched",
            timeMs: env.deps.now(),
            stepId: step.id,
            ...(index !== undefined ? { index } : {}),
            page,
            items,
            ...(total !== undefined ? { total } : {}),
            list,
            ...(next !== undefined ? { next: next as unknown as Record<string, unknown> } : {}),
          }),
        round === 1 && step.until === undefined ? pagesFrom(env, index) : undefined,
      )
      : await callWithRetry(env, target, params, plan);
    attempts += outcome.attempts;
    if (!outcome.ok || step.until === undefined) return { ...outcome, attempts };

    const steps = vars.steps as Record<string, unknown>;
    const scope = {
      ...vars,
      steps: {
        ...steps,
        [step.id]: {
          outputs: selfOutputs(outcome.response),
          status: "running",
          request_id: outcome.requestId,
        },
      },
    };
    const holds = resolveValue(step.until, scope, env.observe);
    if (typeof holds !== "boolean") {
      throw new StepError("E_TYPE", `\`until\` must be a boolean, got ${typeof holds}`);
    }
    if (holds) return { ...outcome, attempts };
    const elapsedMs = env.deps.now() - startMs;
    if (elapsedMs + poll.intervalMs > poll.timeoutMs) {
      return {
        ok: false,
        uncertain: false,
        attempts,
        error: {
          code: "E_POLL_TIMEOUT",
          message: `\`until\` was still false after ${round} poll${round > 1 ? "s" : ""} ` +
            `(${Math.round(elapsedMs / 1000)} s; poll timeout ${
              Math.round(poll.timeoutMs / 1000)
            } s)`,
        },
      };
    }
    await env.emit({
      type: "poll-waiting",
      timeMs: env.deps.now(),
      stepId: step.id,
      ...(index !== undefined ? { index } : {}),
      poll: round,
      nextInMs: poll.intervalMs,
      startedMs: startMs,
    });
    await env.deps.sleep(poll.intervalMs, env.signal);
  }
}
