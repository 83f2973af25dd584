/**
 * Compensation: the `undo` blocks of succeeded steps, run in reverse order (automatically with
 * `rollback: on_failure`, or by `tcflow rollback`). A `foreach` step is undone item by item,
 * last item first, with `item` and `index` bound; when it failed part-way, only the items that
 * succeeded are undone. An undo answered `ResourceNotFound*` counts as done (what it removes is
 * gone: an interrupted compensation is run again to the end).
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import { resolveValue } from "../expr/resolve.ts";
import type { CallPort } from "../protocol/provider.ts";
import type { ActionStep, Workflow } from "../workflow/model.ts";
import { actionLabel, callWithRetry, errorInfo, isMutating } from "./call.ts";
import { resolveParams, resolveTarget, StepError, toJsonLike } from "./_action_step.ts";
import { clientTokenFor } from "./client_token.ts";
import type { ErrorInfo, RollbackStatus, RunEvent } from "../journal/events.ts";
import type { EngineOptions } from "./options.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { effectiveRetry } from "./retry.ts";
import type { ValueObserver } from "../secrets.ts";

/**
 * A step with an `undo` block and its outputs: a succeeded step, or a `foreach` step that
 * failed after some items succeeded (only those are undone).
 */
export interface UndoTarget {
  step: ActionStep;
  outputs: unknown;
  /**
   * The `foreach` items to undo, in that order (a compensation of a recorded run passes those
   * applied and not undone yet); by default the items whose outputs are not `null`, last first.
   */
  indexes?: number[];
}

/** What undo needs. */
export interface UndoEnv {
  deps: Deps;
  client: CallPort;
  rateLimiter: RateLimiter;
  emit(event: RunEvent): Promise<void>;
  signal?: AbortSignal | undefined;
  runId: string;
  defaultRegion: string;
  wf: Workflow;
  /** The run's scope: `inputs`, `steps` (with every finished step), `run`, `env`. */
  vars: Record<string, unknown>;
  /** Sees every `${{ }}` of an undo's `with:` as it is evaluated (secrets are derived there). */
  observe?: ValueObserver | undefined;
}

/** What undo needs, from the options of a run or a rollback. */
export function undoEnv(
  opts: EngineOptions,
  o: {
    emit: UndoEnv["emit"];
    wf: Workflow;
    vars: Record<string, unknown>;
    observe?: ValueObserver | undefined;
  },
): UndoEnv {
  return {
    deps: opts.deps,
    client: opts.client,
    rateLimiter: opts.rateLimiter,
    emit: o.emit,
    signal: opts.signal,
    runId: opts.runId,
    defaultRegion: opts.region ?? "",
    wf: o.wf,
    vars: o.vars,
    observe: o.observe,
  };
}

/**
 * The outcome of one compensation call.
 *
 * @example
 * ```ts
 * import type { UndoResult } from "./_undo.ts";
 * const results: UndoResult[] = [{ stepId: "plan", status: "succeeded" }];
 * console.log(results.every((r) => r.status === "succeeded")); // true
 * ```
 */
export interface UndoResult {
  /** The step whose `undo` ran. */
  stepId: string;
  /** The `foreach` item, for a `foreach` step. */
  index?: number;
  /** How the compensation call ended. */
  status: "succeeded" | "failed";
  /** Why it failed. */
  error?: ErrorInfo;
}

/**
 * Runs the undo blocks of `targets` in the order given (callers pass them newest first). A
 * failed compensation is reported and the others still run.
 */
export async function runUndo(targets: UndoTarget[], env: UndoEnv): Promise<UndoResult[]> {
  const results: UndoResult[] = [];
  for (const target of targets) {
    const { step } = target;
    const undo = step.undo;
    if (undo === undefined) continue;
    let indexes: Array<number | undefined> = [undefined];
    let items: unknown[] = [];
    if (step.foreach !== undefined) {
      try {
        const value = toJsonLike(resolveValue(step.foreach, env.vars));
        items = Array.isArray(value) ? value : [];
      } catch (error) {
        const info = errorInfo(error);
        await env.emit({
          type: "undo-failed",
          timeMs: env.deps.now(),
          stepId: step.id,
          error: info,
        });
        results.push({ stepId: step.id, status: "failed", error: info });
        continue;
      }
      // Only the items that succeeded (a failed `foreach` step has `null` for the others).
      const done = (i: number) =>
        !Array.isArray(target.outputs) ||
        (target.outputs[i] !== null && target.outputs[i] !== undefined);
      indexes = target.indexes ?? items.map((_, i) => i).filter(done).reverse();
    }
    for (const index of indexes) {
      const at = index !== undefined ? { index } : {};
      const vars = index === undefined
        ? env.vars
        : { ...env.vars, item: items[index], index: BigInt(index) };
      await env.emit({
        type: "undo-started",
        timeMs: env.deps.now(),
        stepId: step.id,
        action: actionLabel(undo.action),
        ...at,
      });
      try {
        const target = resolveTarget(undo, vars, env.wf.region, env.defaultRegion);
        const params = resolveParams(undo, vars, env.observe);
        // A token the user wrote in the undo's `with:` is theirs (sent again after a cut).
        const own = params.ClientToken;
        const clientToken = !isMutating(target) || target.spec?.clientToken !== true
          ? undefined
          : own !== undefined
          ? (typeof own === "string" && own !== "" ? own : undefined)
          : await clientTokenFor({ runId: env.runId, stepId: `undo:${step.id}`, index });
        const outcome = await callWithRetry(
          env,
          target,
          params,
          {
            stepId: step.id,
            index,
            policy: effectiveRetry(step.retry, env.wf.defaults.retry),
            timeoutMs: step.timeoutMs ?? env.wf.defaults.timeoutMs,
            clientToken,
          },
        );
        // What the undo removes is already gone (an earlier, interrupted compensation): done.
        const alreadyGone = !outcome.ok && outcome.error.code.startsWith("ResourceNotFound");
        if (!outcome.ok && !alreadyGone) {
          throw new StepError(outcome.error.code, outcome.error.message);
        }
        await env.emit({
          type: "undo-succeeded",
          timeMs: env.deps.now(),
          stepId: step.id,
          request: clientToken === undefined ? params : { ...params, ClientToken: clientToken },
          ...(outcome.ok ? { requestId: outcome.requestId } : { alreadyGone: true }),
          ...at,
        });
        results.push({ stepId: step.id, status: "succeeded", ...at });
      } catch (error) {
        if (env.signal?.aborted) throw error;
        const info = error instanceof StepError
          ? { code: error.code, message: error.message }
          : errorInfo(error);
        await env.emit({
          type: "undo-failed",
          timeMs: env.deps.now(),
          stepId: step.id,
          error: info,
          ...at,
        });
        results.push({ stepId: step.id, status: "failed", error: info, ...at });
      }
    }
  }
  return results;
}

/**
 * Records how a compensation ended and returns it: `rolled_back` when none of its calls failed.
 */
export async function finishRollback(
  env: Pick<UndoEnv, "emit" | "deps">,
  results: UndoResult[],
): Promise<RollbackStatus> {
  const failed = results.filter((r) => r.status === "failed").length;
  const status: RollbackStatus = failed === 0 ? "rolled_back" : "failed";
  await env.emit({
    type: "rollback-finished",
    timeMs: env.deps.now(),
    status,
    undone: results.length - failed,
    failed,
  });
  return status;
}
