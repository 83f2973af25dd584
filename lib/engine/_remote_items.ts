/**
 * Which items of a `foreach` step are handed to an {@link ItemDispatcher}, and their requests
 * resolved here (the only place with the run's variables and secrets). See `item_dispatch.ts`.
 *
 * @module
 */
import type { ErrorInfo } from "../journal/events.ts";
import type { RecordedItem } from "../journal/replay.ts";
import type { ActionStep, RetryPolicy } from "../workflow/model.ts";
import { type CallOutcome, type CallTarget, isMutating } from "./call.ts";
import { clientTokenFor } from "./client_token.ts";
import type { RemoteItem, RemoteOutcome, RemoteStep } from "./item_dispatch.ts";

/** What {@link remoteItems} decided. */
export interface RemoteItems {
  step: RemoteStep;
  items: RemoteItem[];
  /** Items left `uncertain` by an earlier session: recorded so, not sent. */
  held: [number, ErrorInfo][];
  /** Items the journal recorded as failed (or uncertain, retried): sent again. */
  again: Set<number>;
  /** Items the journal shows in flight: unless already published, they were sent locally. */
  inFlight: Set<number>;
}

/**
 * The items to hand out, or `undefined` when the step must run here: it polls (`until`) or
 * pages, or an item's request does not resolve or carries a secret.
 */
export async function remoteItems(
  env: {
    runId: string;
    carriesSecret?: ((value: unknown) => boolean) | undefined;
  },
  step: ActionStep,
  todo: readonly number[],
  ctx: {
    policy: RetryPolicy;
    timeoutMs?: number | undefined;
    recorded: ReadonlyMap<number, RecordedItem> | undefined;
    retryUncertain: boolean;
    unsafe: string | undefined;
    resolve(index: number): { target: CallTarget; params: Record<string, unknown> };
  },
): Promise<RemoteItems | undefined> {
  if (step.until !== undefined || step.paginate) return undefined;
  const out: RemoteItems = {
    step: {
      runId: env.runId,
      stepId: step.id,
      concurrency: step.concurrency,
      policy: ctx.policy,
      timeoutMs: ctx.timeoutMs,
      unsafe: ctx.unsafe,
    },
    items: [],
    held: [],
    again: new Set(),
    inFlight: new Set(),
  };
  for (const index of todo) {
    const before = ctx.recorded?.get(index);
    if (before?.status === "uncertain" && !ctx.retryUncertain) {
      out.held.push([index, before.error ?? { code: "E_UNCERTAIN", message: "outcome unknown" }]);
      continue;
    }
    if (before?.status === "failed" || (before !== undefined && ctx.retryUncertain)) {
      out.again.add(index);
    } else if (before?.status === "running") {
      out.inFlight.add(index);
    }
    let resolved;
    try {
      resolved = ctx.resolve(index);
    } catch {
      return undefined; // the step reports it, item by item, as without a dispatcher
    }
    const { target, params } = resolved;
    if (env.carriesSecret?.(params) ?? true) return undefined;
    const clientToken = isMutating(target) && target.spec?.clientToken === true &&
        params.ClientToken === undefined
      ? await clientTokenFor({ runId: env.runId, stepId: step.id, index, extra: undefined })
      : undefined;
    out.items.push({
      index,
      target: {
        service: target.service,
        action: target.action,
        version: target.version,
        region: target.region,
      },
      params,
      ...(clientToken !== undefined ? { clientToken } : {}),
    });
  }
  return out;
}

/** A dispatched item's outcome as a call outcome of the step. */
export function callOutcomeOf(outcome: RemoteOutcome): CallOutcome {
  if (outcome.status === "succeeded") {
    return {
      ok: true,
      response: (outcome.outputs ?? {}) as Record<string, unknown>,
      requestId: outcome.requestId ?? "",
      attempts: outcome.attempts,
    };
  }
  return {
    ok: false,
    uncertain: outcome.status === "uncertain",
    attempts: outcome.attempts,
    error: outcome.error ?? { code: "E_ENGINE", message: "no error recorded" },
  };
}
