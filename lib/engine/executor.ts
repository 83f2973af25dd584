/**
 * The executor: runs a validated workflow step by step against a Tencent Cloud client, with
 * retries, rate limiting, `foreach`, pagination, polling, `on_error`, `undo` and rollback, and
 * reports every event to a {@link RunSink}. Its result is the `run --json` document of
 * PRODUCT.md section 10.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import { resolveValue } from "../expr/resolve.ts";
import type { TencentClient } from "../tencent/client.ts";
import type { ActionStep, Workflow } from "../workflow/model.ts";
import { findAction } from "../catalog/catalog.ts";
import type { LiveReadCall } from "../workflow/plan.ts";
import { errorInfo, isMutating, uncertainMessage } from "./_call.ts";
import { runActionStep, type StepEnv, StepError, toJsonLike } from "./_action_step.ts";
import { runUndo, type UndoTarget } from "./_undo.ts";
import {
  type ErrorInfo,
  redactor,
  type RunEvent,
  type RunSink,
  type StepStatus,
} from "./events.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { effectiveRetry } from "./retry.ts";

/** One step of a {@link RunResult}. */
export interface StepResult {
  id: string;
  status: StepStatus;
  /** Requests sent for the step (all calls, all attempts); 0 for `set`/`assert`/skipped. */
  attempts: number;
  outputs: unknown;
  error?: { code: string; message: string };
}

/** The result of a run: exactly the `run --json` document (PRODUCT.md section 10). */
export interface RunResult {
  run_id: string;
  status: "succeeded" | "failed";
  outputs: Record<string, unknown>;
  steps: StepResult[];
}

/** A step recorded by an earlier run, reused by `resume`. */
export interface RecordedStep {
  status: StepStatus;
  outputs: unknown;
  request_id?: string;
  attempts?: number;
}

/** Options of {@link runWorkflow}. */
export interface RunOptions {
  /** Input values, checked and with defaults (see `parseInputFlags`). */
  inputs: Record<string, unknown>;
  deps: Deps;
  client: Pick<TencentClient, "call" | "secretId">;
  rateLimiter: RateLimiter;
  sink?: RunSink;
  runId: string;
  /** Plan instead of running (delegates to the planner; nothing mutating is sent). */
  dryRun?: boolean;
  /** With `dryRun`: execute read-only actions for real. */
  liveReads?: boolean;
  signal?: AbortSignal;
  /** Region when neither the step nor the workflow gives one (`--region`, credentials). */
  region?: string;
  /** Values of the workflow's `env:` allow-list. */
  env?: Record<string, string>;
  /** Values that must never appear in events or the result (secret inputs, keys, tokens). */
  secrets?: string[];
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
}

/**
 * Runs a workflow.
 *
 * @returns the run document; `status` is `failed` when a step failed (without
 *   `on_error: continue`), an assert was false or a step is `uncertain`.
 * @throws the signal's reason when aborted; never for API or expression failures (those are
 *   step results).
 *
 * @example
 * ```ts
 * const result = await runWorkflow(workflow, {
 *   inputs: {}, deps, client, rateLimiter: createRateLimiter({ deps }), runId: "r-1",
 * });
 * console.log(result.status);
 * ```
 */
export async function runWorkflow(wf: Workflow, opts: RunOptions): Promise<RunResult> {
  if (opts.dryRun) return await dryRun(wf, opts);
  const { deps } = opts;
  const redact = redactor(opts.secrets ?? []);
  const sink = opts.sink;
  const emit = async (event: RunEvent) => {
    if (sink !== undefined) await sink.append(redact(event));
  };
  const startMs = deps.now();
  const stepVars: Record<string, { outputs: unknown; status: StepStatus; request_id: string }> = {};
  const baseVars = {
    inputs: opts.inputs,
    run: { id: opts.runId },
    env: opts.env ?? {},
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
    if (
      recorded !== undefined && (recorded.status === "succeeded" || recorded.status === "skipped")
    ) {
      stepVars[step.id] = {
        outputs: recorded.outputs,
        status: recorded.status,
        request_id: recorded.request_id ?? "",
      };
      results.push({
        id: step.id,
        status: recorded.status,
        attempts: 0,
        outputs: recorded.outputs,
      });
      if (recorded.status === "succeeded" && step.kind === "action" && step.undo !== undefined) {
        undoable.push({ step, outputs: recorded.outputs });
      }
      await emit({ type: "step-skipped", timeMs: deps.now(), stepId: step.id, reason: "resumed" });
      continue;
    }

    const vars = { ...baseVars, steps: { ...stepVars } };
    const stepStartMs = deps.now();
    const requests: unknown[] = [];
    let status: StepStatus;
    let outputs: unknown = null;
    let requestId = "";
    let attempts = 0;
    let error: ErrorInfo | undefined;
    try {
      if (step.when !== undefined) {
        const run = resolveValue(step.when, vars);
        if (typeof run !== "boolean") {
          throw new StepError("E_TYPE", `\`when\` must be a boolean, got ${typeof run}`);
        }
        if (!run) {
          stepVars[step.id] = { outputs: null, status: "skipped", request_id: "" };
          results.push({ id: step.id, status: "skipped", attempts: 0, outputs: null });
          await emit({ type: "step-skipped", timeMs: deps.now(), stepId: step.id, reason: "when" });
          continue;
        }
      }
      await emit({
        type: "step-started",
        timeMs: stepStartMs,
        stepId: step.id,
        kind: step.kind,
        ...(step.kind === "action"
          ? { action: `${step.action.service}.${step.action.action}` }
          : {}),
      });
      if (step.kind === "set") {
        const values: Record<string, unknown> = {};
        for (const entry of step.set.entries) {
          values[entry.key] = toJsonLike(resolveValue(entry.value, vars));
        }
        outputs = values;
        status = "succeeded";
      } else if (step.kind === "assert") {
        const holds = resolveValue(step.assert, vars);
        if (holds === true) {
          status = "succeeded";
          outputs = { value: true };
        } else {
          status = "failed";
          error = {
            code: "E_ASSERT",
            message: step.message ?? `assertion \`${assertText(wf, step.assert)}\` is false`,
          };
          if (typeof holds !== "boolean") {
            error = {
              code: "E_TYPE",
              message: `\`assert\` must be a boolean, got ${typeof holds}`,
            };
          }
        }
      } else if (opts.inFlight?.includes(step.id) && unsafeToRepeat(step)) {
        status = "uncertain";
        error = {
          code: "E_INTERRUPTED",
          message: interruptedMessage(step),
        };
      } else {
        const result = await runAction(opts, step, wf, vars, requests, emit);
        status = result.status;
        outputs = result.outputs;
        requestId = result.requestId;
        attempts = result.attempts;
        if (result.error !== undefined) error = result.error;
      }
    } catch (caught) {
      if (opts.signal?.aborted) throw caught;
      status = "failed";
      error = caught instanceof StepError
        ? { code: caught.code, message: caught.message }
        : errorInfo(caught);
    }

    const durationMs = deps.now() - stepStartMs;
    stepVars[step.id] = { outputs, status, request_id: requestId };
    const result: StepResult = { id: step.id, status, attempts, outputs };
    if (error !== undefined) result.error = { code: error.code, message: error.message };
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
      });
    } else if (status === "uncertain") {
      failed = true;
      await emit({
        type: "step-uncertain",
        timeMs: deps.now(),
        stepId: step.id,
        attempts,
        durationMs,
        requests,
        error: error!,
      });
    } else {
      const continued = step.kind === "action" && step.onError === "continue";
      if (!continued) failed = true;
      await emit({
        type: "step-failed",
        timeMs: deps.now(),
        stepId: step.id,
        attempts,
        durationMs,
        requests,
        error: error!,
        continued,
      });
    }
  }

  const outputs = workflowOutputs(wf, { ...baseVars, steps: stepVars });
  if (failed && wf.rollback === "on_failure") {
    await runUndo(undoable.reverse(), {
      deps,
      client: opts.client,
      rateLimiter: opts.rateLimiter,
      emit,
      signal: opts.signal,
      runId: opts.runId,
      defaultRegion: opts.region ?? "",
      wf,
      vars: { ...baseVars, steps: stepVars },
    });
  }
  const status = failed ? "failed" : "succeeded";
  // (With `stopAfter`, a run that stopped early without failing has succeeded so far.)
  await emit({
    type: "run-finished",
    timeMs: deps.now(),
    runId: opts.runId,
    status,
    durationMs: deps.now() - startMs,
    outputs,
  });
  return redact({ run_id: opts.runId, status, outputs, steps: results });
}

async function runAction(
  opts: RunOptions,
  step: ActionStep,
  wf: Workflow,
  vars: Record<string, unknown>,
  requests: unknown[],
  emit: (event: RunEvent) => Promise<void>,
) {
  const env: StepEnv = {
    deps: opts.deps,
    client: opts.client,
    rateLimiter: opts.rateLimiter,
    emit,
    signal: opts.signal,
    runId: opts.runId,
    defaultRegion: opts.region ?? "",
    requests,
  };
  const policy = effectiveRetry(step.retry, wf.defaults.retry);
  const timeoutMs = step.timeoutMs ?? wf.defaults.timeoutMs;
  const now = () => opts.deps.now();
  return await runActionStep(
    env,
    step,
    vars,
    { policy, timeoutMs, wfRegion: wf.region },
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
function workflowOutputs(wf: Workflow, vars: Record<string, unknown>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const entry of wf.outputs) {
    try {
      outputs[entry.key] = toJsonLike(resolveValue(entry.value, vars));
    } catch {
      // A failed run's outputs may refer to steps that did not run.
    }
  }
  return outputs;
}

/** Whether sending an action step again could apply it twice (mutating, no `ClientToken`). */
function unsafeToRepeat(step: ActionStep): boolean {
  if (step.action.provider !== "tencentcloud") return true;
  const spec = findAction(step.action.service, step.action.action, step.version);
  return isMutating({ action: step.action.action, spec }) && spec?.clientToken !== true;
}

function interruptedMessage(step: ActionStep): string {
  const { service, action } = step.action;
  const version = step.version ?? findAction(service, action)?.version ?? "";
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
          const target = { ...call, spec: findAction(call.service, call.action, call.version) };
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
