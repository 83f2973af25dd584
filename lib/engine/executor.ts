/**
 * The executor: runs a validated workflow step by step against a Tencent Cloud client, with
 * retries, rate limiting, `foreach`, pagination, polling, `on_error`, `undo` and rollback, and
 * reports every event to a {@link RunSink}. Its result is the `run --json` document of
 * PRODUCT.md section 10.
 *
 * Semantics worth knowing:
 * - `timeout` (step, else `defaults.timeout`, else the client's 30 s) bounds each request; a
 *   request that times out is retried or failed like any unknown outcome. `poll.timeout`
 *   bounds an `until` loop.
 * - A failed step with `on_error: continue` does not fail the run (as `continue-on-error` in
 *   GitHub Actions); an `uncertain` step always does.
 * - `attempts` of a step counts every request it sent (all items, pages, polls and retries).
 * - `foreach` stops starting new items after the first failure (items already sent finish),
 *   except with `on_error: continue`, where every item is tried.
 * - A mutating call whose outcome is unknown is retried only with a `ClientToken`, derived
 *   from (run id, step id, item index) so that `resume` sends the same token.
 * - `rollback: on_failure` undoes on a failure or an uncertain outcome, but not when a step is
 *   uncertain only because an earlier session was killed while it was in flight
 *   (`E_INTERRUPTED`): the user settles that one with `--retry-uncertain`.
 *
 * @module
 */
import { resolveValue } from "../expr/resolve.ts";
import type { EngineOptions } from "./options.ts";
import type { ActionStep, Step, Workflow } from "../workflow/model.ts";
import { findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import { runNames } from "../workflow/names.ts";
import type { LiveReadCall } from "../workflow/plan.ts";
import { actionLabel, errorInfo, isMutating, uncertainMessage } from "./call.ts";
import {
  deriveAgain,
  type ItemResult,
  type RecordedItem,
  runActionStep,
  startInfo,
  type StepEnv,
  StepError,
  toJsonLike,
} from "./_action_step.ts";
import { finishRollback, runUndo, undoEnv, type UndoResult, type UndoTarget } from "./_undo.ts";
import { type ErrorInfo, REDACTED, type RunEvent, type StepStatus } from "../journal/events.ts";
import { effectiveRetry } from "./retry.ts";
import { EACH, readPaths } from "../expr/taint.ts";
import { type PageProgress, type PollProgress, type RecordedStep } from "../journal/replay.ts";
import { seal, sealingKey, unseal } from "../journal/seal.ts";
import { openItems, sealItem } from "./_sealed_items.ts";

export type { ItemResult, RecordedStep };
import { stringifyJson } from "../json.ts";
import type { ItemDispatcher } from "./item_dispatch.ts";
import {
  credentialsIn,
  holdsRedaction,
  secretDeriver,
  SecretSet,
  secretsRevealed,
  type ValueObserver,
  valuesAt,
} from "../secrets.ts";

/**
 * One step of a {@link RunResult}.
 *
 * @example
 * ```ts
 * import type { StepResult } from "./executor.ts";
 * const step: StepResult = { id: "topics", status: "succeeded", attempts: 1, outputs: { TotalCount: 3n } };
 * console.log(step.status); // "succeeded"
 * ```
 */
export interface StepResult {
  /** The step id. */
  id: string;
  /** How the step ended. */
  status: StepStatus;
  /** Requests sent for the step (all calls, all attempts); 0 for `set`/`assert`/skipped. */
  attempts: number;
  /** The `Response` without `RequestId` (a list for `foreach`; the values of `set`). */
  outputs: unknown;
  /** Why the step failed or is uncertain. */
  error?: { code: string; message: string };
  /** Every item of a `foreach` step that ran: `{index, status, attempts, error?}`. */
  items?: ItemResult[];
}

/**
 * The result of a run: exactly the `run --json` document (PRODUCT.md section 10).
 *
 * @example
 * ```ts
 * import type { RunResult } from "./executor.ts";
 * const result: RunResult = { run_id: "run-1", status: "failed", outputs: {}, steps: [] };
 * const failed = result.steps.filter((step) => step.status !== "succeeded" && step.status !== "skipped");
 * console.log(result.status, failed.length); // "failed" 0
 * ```
 */
export interface RunResult {
  /** The run id (its journal is `.tcflow/runs/<run_id>/` in the CLI). */
  run_id: string;
  /**
   * `failed` when a step failed (without `on_error: continue`) or an assert was false;
   * `uncertain` when the run stopped only because a step's outcome is unknown (a request whose
   * answer never came, an item in flight at a kill); `rolled_back` when such a run's
   * `rollback: on_failure` then undid everything it applied (every undo done).
   */
  status: "succeeded" | "failed" | "uncertain" | "rolled_back";
  /** The workflow's `outputs:`, evaluated. */
  outputs: Record<string, unknown>;
  /** Every step, in file order. */
  steps: StepResult[];
}

export type { EngineOptions };

/**
 * Options of {@link runWorkflow}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "./executor.ts";
 * import { systemDeps } from "../deps.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { createRateLimiter } from "./rate_limiter.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const options: RunOptions = {
 *   inputs: { instanceId: "rmq-2x9f8k1p" },
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: "run-1",
 *   region: "ap-guangzhou",
 * };
 * console.log(options.runId); // "run-1"
 * ```
 */
export interface RunOptions extends EngineOptions {
  /** Plan instead of running (delegates to the planner; nothing mutating is sent). */
  dryRun?: boolean;
  /** With `dryRun`: execute read-only actions for real. */
  liveReads?: boolean;
  /** Steps finished by an earlier run (`resume`): not sent again, their outputs reused. */
  resume?: Record<string, RecordedStep>;
  /**
   * Stop after this step (notebook mode: one cell at a time, with `resume` holding the cells
   * already run). The steps below it are reported as skipped, not reached.
   */
  stopAfter?: string;
  /**
   * Steps that an earlier session started but did not finish (the process died). Such a step
   * is sent again only when that is safe: a read, or an action with a `ClientToken` (the same
   * tokens are derived again). Otherwise it stops as `uncertain` without sending anything.
   */
  inFlight?: string[];
  /**
   * The `foreach` items that an earlier session recorded, of the steps that did not finish
   * (`resume`): succeeded items are not sent again, failed ones are, and an item in flight at
   * a kill is sent again only when that is safe or with {@link retryUncertain}. Set by
   * `tcflow resume` from the journal.
   *
   * @internal
   */
  resumeItems?: Record<string, RecordedItem[]>;
  /** Send again the items recorded `uncertain` or in flight (`--retry-uncertain`). */
  retryUncertain?: boolean;
  /**
   * Hands the items of `foreach` steps to other processes (`tcflow worker` on a database
   * store); without it every item is sent by this process. Set by `tcflow worker`.
   *
   * @internal
   */
  itemDispatcher?: ItemDispatcher;
  /**
   * The `until` polls an earlier session stopped in (by step id, then item index or `-1`):
   * they go on from the next poll with their first deadline. Set by `tcflow resume` from the
   * journal.
   *
   * @internal
   */
  resumePolls?: Record<string, Record<number, PollProgress>>;
  /**
   * The pages of `paginate` steps an earlier session read (by step id, then item index or -1).
   * Set by `tcflow resume` from the journal.
   *
   * @internal
   */
  resumePages?: Record<string, Record<number, PageProgress>>;
  /**
   * The time `now` stands for in expressions (epoch ms): the run's start, kept by `resume` and
   * the notebook so that every expression of a run sees the same `now`. Default: this start.
   */
  nowMs?: number;
}

/**
 * Runs a workflow.
 *
 * @returns the run document; `status` is `failed` when a step failed (without
 *   `on_error: continue`), an assert was false or a step is `uncertain`, and `rolled_back` when
 *   `rollback: on_failure` then undid every applied step and item.
 * @throws the signal's reason when aborted; never for API or expression failures (those are
 *   step results).
 *
 * @example
 * ```ts
 * import { systemDeps } from "../deps.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { loadWorkflowText } from "../workflow/load.ts";
 * import { createRateLimiter } from "./rate_limiter.ts";
 *
 * const emulator = createEmulator(); // a local Tencent Cloud
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const { workflow } = loadWorkflowText(
 *   [
 *     "tcflow: 1",
 *     "name: topics",
 *     "region: ap-guangzhou",
 *     "steps:",
 *     "  - id: topics",
 *     "    action: trocket.DescribeTopicList",
 *     "    with: { InstanceId: rmq-2x9f8k1p }",
 *   ].join("\n"),
 *   "topics.yaml",
 * );
 * const result = await runWorkflow(workflow!, {
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: "run-1",
 * });
 * console.log(result.status, result.steps[0]?.outputs); // "succeeded" { TotalCount: 3n, Data: [...] }
 * ```
 */
export async function runWorkflow(wf: Workflow, opts: RunOptions): Promise<RunResult> {
  if (opts.dryRun) return await dryRun(wf, opts);
  const { deps } = opts;
  // The secrets given, and those derived from them as expressions are evaluated.
  const secrets = new SecretSet(opts.secrets ?? []);
  // Names the author wrote and the catalog's field names are keys redaction never touches.
  secrets.addNames(runNames(wf));
  const derive = secretDeriver(secrets);
  // Outputs that redaction changes are also journaled sealed, for `resume`.
  const sealKey = await sealingKey(opts.secrets ?? [], opts.runId);
  // Steps taken from the journal of the run this one resumes: their outputs are as recorded,
  // secrets redacted, and a redacted value must not be used as if it were the real one.
  const restored = new Set<string>();
  const observe: ValueObserver = (source, value, vars) => {
    derive(source, value, vars);
    if (restored.size > 0) refuseRedactedReads(source, vars, restored);
  };
  const redact = <T>(value: T): T => secrets.redact(value);
  const sink = opts.sink;
  // Items journaled with secrets as `***` are opened again, as steps are (below).
  if (opts.resumeItems !== undefined && sealKey !== undefined) {
    opts = { ...opts, resumeItems: await openItems(opts.resumeItems, sealKey, secrets) };
  }
  const stepsById = new Map(wf.steps.map((step) => [step.id, step]));
  // The `foreach` items whose outputs this session journaled (succeeded), by step id.
  const journaledItems = new Map<string, Set<number>>();
  const emit = async (event: RunEvent) => {
    // Credentials an item's answer carries are secrets before its event is journaled.
    if (event.type === "item-finished") secrets.add(credentialsIn(event.outputs));
    // An item whose outputs redaction changes is journaled sealed too, for `resume`.
    if (
      event.type === "item-finished" && event.status === "succeeded" && sealKey !== undefined &&
      redactionChanges(secrets, event.outputs)
    ) {
      event = {
        ...event,
        sealed: await sealItem(sealKey, event.stepId, event.index, event.outputs),
      };
    }
    if (event.type === "item-finished" && event.status === "succeeded") {
      let journaled = journaledItems.get(event.stepId);
      if (journaled === undefined) journaledItems.set(event.stepId, journaled = new Set());
      journaled.add(event.index);
      // A paginated item's list is journaled once: in its pages (the seal keeps it whole).
      const step = stepsById.get(event.stepId);
      if (step !== undefined) event = { ...event, ...pagesLeftOut(step, event.outputs) };
    }
    // And those of a page's items, before the page is journaled for `resume`.
    if (event.type === "page-fetched" && event.list !== undefined) {
      secrets.add(pageCredentials(wf, event.stepId, event.list));
    }
    if (sink !== undefined) await sink.append(redact(event));
  };
  const startMs = deps.now();
  const stepVars: Record<string, { outputs: unknown; status: StepStatus; request_id: string }> = {};
  const baseVars = {
    inputs: opts.inputs,
    run: { id: opts.runId },
    env: opts.env ?? {},
    now: new Date(opts.nowMs ?? startMs),
  };
  const results: StepResult[] = [];
  const undoable: UndoTarget[] = [];
  await emit({
    type: "run-started",
    timeMs: startMs,
    runId: opts.runId,
    workflow: wf.name,
    file: wf.file,
    inputs: opts.inputs,
    stepIds: wf.steps.map((step) => step.id),
  });

  let failed = false;
  /** A step failed (not only uncertain): the run ends `failed`, else `uncertain`. */
  let stepFailed = false;
  // A step left uncertain by a kill of an earlier session (nothing sent now) is for the user
  // to settle (`--retry-uncertain`): it does not trigger `rollback: on_failure`.
  let interrupted = false;
  let stopped = false;
  for (const step of wf.steps) {
    const previous = results.at(-1);
    if (opts.stopAfter !== undefined && previous?.id === opts.stopAfter) stopped = true;
    if (failed || stopped) {
      results.push({ id: step.id, status: "skipped", attempts: 0, outputs: null });
      await emit({
        type: "step-skipped",
        timeMs: deps.now(),
        stepId: step.id,
        reason: "not-reached",
      });
      continue;
    }
    const recorded = opts.resume?.[step.id];
    const reusable = recorded !== undefined &&
      (recorded.status === "succeeded" || recorded.status === "skipped");
    // Outputs journaled with secrets as `***` are opened again when the run's secrets are the
    // same (see lib/journal/seal.ts).
    let recordedOutputs = recorded?.outputs;
    if (reusable && recorded.sealed !== undefined && sealKey !== undefined) {
      const opened = await unseal(sealKey, step.id, recorded.sealed);
      if (opened !== undefined) {
        recordedOutputs = opened.outputs;
        // What the journal shows redacted is secret in this session too (derived values too).
        secrets.add(secretsRevealed(recorded.outputs, opened.outputs));
      }
    }
    if (
      reusable &&
      // A `set` step whose outputs are still redacted (it held a secret) sends nothing: it is
      // evaluated again, so later steps see the value.
      !(step.kind === "set" && holdsRedaction(recordedOutputs))
    ) {
      if (step.kind === "action" && recorded.status === "succeeded") {
        deriveAgain(step, { ...baseVars, steps: { ...stepVars } }, derive);
      }
      restored.add(step.id);
      stepVars[step.id] = {
        outputs: recordedOutputs,
        status: recorded.status,
        request_id: recorded.request_id ?? "",
      };
      results.push({
        id: step.id,
        status: recorded.status,
        attempts: 0,
        outputs: recordedOutputs,
      });
      if (recorded.status === "succeeded" && step.kind === "action" && step.undo !== undefined) {
        undoable.push({ step, outputs: recordedOutputs });
      }
      await emit({ type: "step-skipped", timeMs: deps.now(), stepId: step.id, reason: "resumed" });
      continue;
    }

    const vars = { ...baseVars, steps: { ...stepVars } };
    const stepStartMs = deps.now();
    const requests: unknown[] = [];
    const done = await executeStep(step, {
      wf,
      opts,
      vars,
      requests,
      emit,
      startMs: stepStartMs,
      observe,
      carriesSecret: (value) => redactionChanges(secrets, value),
    });
    // Items taken from the journal whose outputs were recorded redacted (they held a secret)
    // must not be read as if `***` were the value.
    const reusedItems = opts.resumeItems?.[step.id] ?? [];
    if (
      (done !== "skipped" && done.redacted === true) ||
      reusedItems.some((item) => item.status === "succeeded" && holdsRedaction(item.outputs))
    ) {
      restored.add(step.id);
    }
    if (done === "skipped") {
      stepVars[step.id] = { outputs: null, status: "skipped", request_id: "" };
      results.push({ id: step.id, status: "skipped", attempts: 0, outputs: null });
      await emit({ type: "step-skipped", timeMs: deps.now(), stepId: step.id, reason: "when" });
      continue;
    }
    const { status, outputs, requestId, attempts, items } = done;
    // Credentials the API answered (an API key's secret, a password) are secrets from now on.
    if (step.kind === "action") {
      const spec = findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
      secrets.add(credentialsIn(outputs, spec));
    }
    const error = done.error ??
      (status === "succeeded"
        ? undefined
        : { code: "E_ENGINE", message: `step ${step.id} ended ${status} without an error` });

    const durationMs = deps.now() - stepStartMs;
    stepVars[step.id] = { outputs, status, request_id: requestId };
    const result: StepResult = { id: step.id, status, attempts, outputs };
    if (error !== undefined) result.error = { code: error.code, message: error.message };
    if (items !== undefined) result.items = items;
    results.push(result);
    if (status === "succeeded") {
      if (step.kind === "action" && step.undo !== undefined) undoable.push({ step, outputs });
      await emit({
        type: "step-succeeded",
        timeMs: deps.now(),
        stepId: step.id,
        attempts,
        durationMs,
        requests,
        outputs,
        ...(requestId !== "" ? { requestId } : {}),
        ...(sealKey !== undefined && redactionChanges(secrets, outputs)
          ? { sealed: await seal(sealKey, step.id, outputs) }
          : {}),
        // A paginated read's list is journaled once: in its pages; a `foreach` step's
        // outputs once: in its items.
        ...(step.kind === "action" && step.foreach !== undefined
          ? itemsLeftOut(outputs, journaledItems.get(step.id), opts.resumeItems?.[step.id])
          : pagesLeftOut(step, outputs)),
      });
    } else if (status === "uncertain") {
      failed = true;
      if (error?.code === "E_INTERRUPTED") interrupted = true;
      if (partlyDone(step, outputs)) undoable.push({ step, outputs });
      await emit({
        type: "step-uncertain",
        timeMs: deps.now(),
        stepId: step.id,
        attempts,
        durationMs,
        requests,
        error: error ?? { code: "E_ENGINE", message: "" },
      });
    } else {
      const continued = step.kind === "action" && step.onError === "continue";
      if (!continued) {
        failed = true;
        stepFailed = true;
      }
      if (partlyDone(step, outputs)) undoable.push({ step, outputs });
      await emit({
        type: "step-failed",
        timeMs: deps.now(),
        stepId: step.id,
        attempts,
        durationMs,
        requests,
        error: error ?? { code: "E_ENGINE", message: "" },
        continued,
      });
    }
  }

  const outputs = workflowOutputs(wf, { ...baseVars, steps: stepVars }, observe);
  let undone: UndoResult[] | undefined;
  if (failed && !interrupted && wf.rollback === "on_failure") {
    const env = undoEnv(opts, { emit, wf, vars: { ...baseVars, steps: stepVars }, observe });
    undone = await runUndo(undoable.reverse(), env);
  }
  const status = !failed ? "succeeded" : stepFailed ? "failed" : "uncertain";
  // (With `stopAfter`, a run that stopped early without failing has succeeded so far.)
  await emit({
    type: "run-finished",
    timeMs: deps.now(),
    runId: opts.runId,
    status,
    durationMs: deps.now() - startMs,
    outputs,
  });
  if (undone === undefined || undone.length === 0) {
    return redact({ run_id: opts.runId, status, outputs, steps: results });
  }
  const rollback = await finishRollback({ emit, deps }, undone);
  return redact({ run_id: opts.runId, status: rollback, outputs, steps: results });
}

/** The credentials in a page's list items (by name, and by the catalog given the action). */
function pageCredentials(wf: Workflow, stepId: string, list: unknown[]): string[] {
  const step = wf.steps.find((s) => s.id === stepId);
  if (step?.kind !== "action") return credentialsIn(list);
  const spec = findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
  const paging = spec?.pagination;
  if (paging === undefined) return credentialsIn(list);
  // The catalog's secret fields are found from the response's root: put the items back there.
  const holder = { [paging.list]: list };
  return credentialsIn(paging.within === undefined ? holder : { [paging.within]: holder }, spec);
}

/** What one executed step came to. */
interface StepOutcome {
  status: StepStatus;
  outputs: unknown;
  requestId: string;
  attempts: number;
  error?: ErrorInfo | undefined;
  items?: ItemResult[] | undefined;
  /** An item's answer was stored by another process with its credentials as `***`. */
  redacted?: boolean | undefined;
}

/**
 * Runs one step (its `when` first): `"skipped"` when `when` is false, else its outcome. Never
 * throws except when the run is aborted.
 */
async function executeStep(
  step: Step,
  ctx: {
    wf: Workflow;
    opts: RunOptions;
    vars: Record<string, unknown>;
    requests: unknown[];
    emit: (event: RunEvent) => Promise<void>;
    startMs: number;
    observe: ValueObserver;
    carriesSecret: (value: unknown) => boolean;
  },
): Promise<StepOutcome | "skipped"> {
  const { wf, opts, vars, emit } = ctx;
  const outcome: StepOutcome = { status: "failed", outputs: null, requestId: "", attempts: 0 };
  try {
    if (step.when !== undefined) {
      const run = resolveValue(step.when, vars, ctx.observe);
      if (typeof run !== "boolean") {
        throw new StepError("E_TYPE", `\`when\` must be a boolean, got ${typeof run}`);
      }
      if (!run) return "skipped";
    }
    const start = step.kind === "action" ? startInfo(step, vars, wf.region, opts.region ?? "") : {};
    await emit({
      type: "step-started",
      timeMs: ctx.startMs,
      stepId: step.id,
      kind: step.kind,
      ...(step.kind === "action" ? { action: actionLabel(step.action) } : {}),
      ...(start.region !== undefined ? { region: start.region } : {}),
      ...(start.items !== undefined ? { items: start.items.length } : {}),
    });
    if (step.kind === "set") {
      const values: Record<string, unknown> = {};
      for (const entry of step.set.entries) {
        values[entry.key] = toJsonLike(resolveValue(entry.value, vars, ctx.observe));
      }
      return { ...outcome, status: "succeeded", outputs: values };
    }
    if (step.kind === "assert") {
      const holds = resolveValue(step.assert, vars, ctx.observe);
      if (holds === true) return { ...outcome, status: "succeeded", outputs: { value: true } };
      const error = typeof holds !== "boolean"
        ? { code: "E_TYPE", message: `\`assert\` must be a boolean, got ${typeof holds}` }
        : {
          code: "E_ASSERT",
          message: step.message ?? `assertion \`${assertText(wf, step.assert)}\` is false`,
        };
      return { ...outcome, error };
    }
    // (A `foreach` step decides item by item, from the items it journaled.)
    if (step.foreach === undefined && opts.inFlight?.includes(step.id) && unsafeToRepeat(step)) {
      return {
        ...outcome,
        status: "uncertain",
        error: { code: "E_INTERRUPTED", message: interruptedMessage(step) },
      };
    }
    const result = await runAction(opts, step, wf, vars, ctx, start.items);
    return {
      status: result.status,
      outputs: result.outputs,
      requestId: result.requestId,
      attempts: result.attempts,
      error: result.error,
      items: result.items,
      redacted: result.redacted,
    };
  } catch (caught) {
    if (opts.signal?.aborted) throw caught;
    const error = caught instanceof StepError
      ? { code: caught.code, message: caught.message }
      : errorInfo(caught);
    return { ...outcome, error };
  }
}

async function runAction(
  opts: RunOptions,
  step: ActionStep,
  wf: Workflow,
  vars: Record<string, unknown>,
  ctx: {
    requests: unknown[];
    emit: (event: RunEvent) => Promise<void>;
    observe: ValueObserver;
    carriesSecret: (value: unknown) => boolean;
  },
  items: unknown[] | undefined,
) {
  const { requests, emit } = ctx;
  const env: StepEnv = {
    deps: opts.deps,
    client: opts.client,
    rateLimiter: opts.rateLimiter,
    emit,
    signal: opts.signal,
    runId: opts.runId,
    defaultRegion: opts.region ?? "",
    requests,
    observe: ctx.observe,
    dispatcher: opts.itemDispatcher,
    carriesSecret: ctx.carriesSecret,
    resumePolls: opts.resumePolls?.[step.id],
    resumePages: opts.resumePages?.[step.id],
  };
  const policy = effectiveRetry(step.retry, wf.defaults.retry);
  const timeoutMs = step.timeoutMs ?? wf.defaults.timeoutMs;
  const now = () => opts.deps.now();
  const recorded = opts.resumeItems?.[step.id];
  const unsafe = unsafeToRepeat(step)
    ? `${actionLabel(step.action)} changes resources and takes no ClientToken`
    : undefined;
  const resume = recorded === undefined ? undefined : {
    recorded: new Map(recorded.map((item) => [item.index, item])),
    retryUncertain: opts.retryUncertain === true,
    unsafe,
  };
  return await runActionStep(
    env,
    step,
    vars,
    { policy, timeoutMs, wfRegion: wf.region, items, resume, unsafe },
    async (total) => {
      await emit({
        type: "foreach-progress",
        timeMs: now(),
        stepId: step.id,
        done: 0,
        failed: 0,
        total,
      });
    },
    async (done, failedCount, total) => {
      // Report at most ~20 times per step, and the last item.
      const every = Math.max(1, Math.ceil(total / 20));
      if (done % every === 0 || done === total) {
        await emit({
          type: "foreach-progress",
          timeMs: now(),
          stepId: step.id,
          done,
          failed: failedCount,
          total,
        });
      }
    },
  );
}

/** Evaluates the workflow's `outputs:`; an entry that cannot be evaluated is left out. */
function workflowOutputs(
  wf: Workflow,
  vars: Record<string, unknown>,
  observe?: ValueObserver,
): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const entry of wf.outputs) {
    try {
      outputs[entry.key] = toJsonLike(resolveValue(entry.value, vars, observe));
    } catch {
      // A failed run's outputs may refer to steps that did not run.
    }
  }
  return outputs;
}

/**
 * Throws `E_REDACTED` when an expression reads a value of a step taken from the journal that
 * was recorded redacted (it held a secret): the resumed run does not know the real value.
 */
function refuseRedactedReads(
  source: string,
  vars: Record<string, unknown>,
  restored: ReadonlySet<string>,
): void {
  for (const path of readPaths(source)) {
    if (path[0] !== "steps" || !restored.has(path[1] ?? "")) continue;
    if (valuesAt(vars, path).some(holdsRedaction)) {
      throw new StepError(
        "E_REDACTED",
        `${path.filter((name) => name !== EACH).join(".")} held a secret, so the journal of the ` +
          `resumed run recorded it as ${REDACTED}, and ${path[1]} is not run again; ` +
          "run the workflow again from the start",
      );
    }
  }
}

/**
 * For the `step-succeeded` of a paginated read, or the `item-finished` of an item of a
 * paginated `foreach` step: its outputs without the list its `page-fetched` events journaled
 * (every item of every page), the list's path and length; replay puts them back
 * (`lib/journal/replay.ts`). Nothing for any other step.
 */
function pagesLeftOut(
  step: Step,
  outputs: unknown,
): { outputs: unknown; pagedPath: string[]; pagedItems: number } | Record<never, never> {
  if (step.kind !== "action" || !step.paginate) return {};
  const spec = findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
  const paging = spec?.pagination;
  if (paging === undefined) return {};
  const path = paging.within === undefined ? [paging.list] : [paging.within, paging.list];
  const holder = path.length === 2 ? (outputs as Record<string, unknown>)?.[path[0]!] : outputs;
  if (holder === null || typeof holder !== "object" || Array.isArray(holder)) return {};
  const list = (holder as Record<string, unknown>)[paging.list];
  if (!Array.isArray(list) || list.length === 0) return {};
  const emptied = { ...(holder as Record<string, unknown>), [paging.list]: [] };
  return {
    outputs: path.length === 2
      ? { ...(outputs as Record<string, unknown>), [path[0]!]: emptied }
      : emptied,
    pagedPath: path,
    pagedItems: list.length,
  };
}

/**
 * For the `step-succeeded` of a `foreach` step: no outputs (`[]`) and their number
 * (`itemOutputs`) when every item's outputs are journaled in an `item-finished` event, of this
 * session or of the one `resume` took the item from; replay puts them back, in item order.
 * Nothing when an item's are not (its outputs are then journaled here, as they are).
 */
function itemsLeftOut(
  outputs: unknown,
  journaled: ReadonlySet<number> | undefined,
  reused: readonly RecordedItem[] | undefined,
): { outputs: unknown[]; itemOutputs: number } | Record<never, never> {
  if (!Array.isArray(outputs) || outputs.length === 0) return {};
  const earlier = new Set(
    (reused ?? []).filter((item) => item.status === "succeeded").map((item) => item.index),
  );
  for (let index = 0; index < outputs.length; index++) {
    if (!(journaled?.has(index) ?? false) && !earlier.has(index)) return {};
  }
  return { outputs: [], itemOutputs: outputs.length };
}

/** Whether redacting `value` changes it. */
function redactionChanges(secrets: SecretSet, value: unknown): boolean {
  return secrets.size > 0 && stringifyJson(secrets.redact(value, "data")) !== stringifyJson(value);
}

/** A `foreach` step with an `undo` block whose items partly succeeded. */
export function partlyDone(step: Step, outputs: unknown): step is ActionStep {
  return step.kind === "action" && step.undo !== undefined && step.foreach !== undefined &&
    Array.isArray(outputs) && outputs.some((item) => item !== null && item !== undefined);
}

/** Whether sending an action step again could apply it twice (mutating, no `ClientToken`). */
function unsafeToRepeat(step: ActionStep): boolean {
  const spec = findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
  return isMutating({ action: step.action.action, spec }) && spec?.clientToken !== true;
}

function interruptedMessage(step: ActionStep): string {
  const service = serviceOfRef(step.action);
  const action = step.action.action;
  const version = step.version ?? findActionAnyCloud(service, action)?.version ?? "";
  const target = { service, action, version, region: "", spec: undefined };
  return uncertainMessage(target, {
    code: "E_INTERRUPTED",
    message: "the run stopped while this step was in flight",
  });
}

function assertText(wf: Workflow, node: { pos: { offset: number; length: number } }): string {
  const text = wf.source.slice(node.pos.offset, node.pos.offset + node.pos.length).trim();
  return text.replace(/^\$\{\{\s*|\s*\}\}$/g, "").slice(0, 200);
}

type LiveCall = Parameters<LiveReadCall>[0];

async function dryRun(wf: Workflow, opts: RunOptions): Promise<RunResult> {
  const { planWorkflow } = await import("../workflow/plan.ts");
  const plan = await planWorkflow(wf, {
    inputs: opts.inputs,
    runId: opts.runId,
    ...(opts.secrets !== undefined ? { secrets: opts.secrets } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.liveReads
      ? {
        liveReads: async (call: LiveCall) => {
          const target = {
            ...call,
            spec: findActionAnyCloud(call.service, call.action, call.version),
          };
          if (isMutating(target)) throw new Error(`${call.action} mutates: not sent in a dry run`);
          const result = await opts.client.call(
            call.service,
            call.action,
            call.version,
            call.region,
            call.params,
            opts.signal !== undefined ? { signal: opts.signal } : {},
          );
          return result.response;
        },
      }
      : {}),
  });
  const steps: StepResult[] = plan.steps.map((step) => {
    const result: StepResult = {
      id: step.id,
      status: "skipped",
      attempts: 0,
      outputs: step.values ?? null,
    };
    if (step.error !== undefined) result.error = step.error;
    return result;
  });
  return { run_id: opts.runId, status: "succeeded", outputs: plan.outputs, steps };
}
