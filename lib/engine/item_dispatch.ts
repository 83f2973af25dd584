/**
 * The port through which a `foreach` step hands its items to other processes (PRODUCT.md
 * section 14: "the items of one `foreach` spread over all workers"). The engine resolves every
 * item's request itself (target, parameters, `ClientToken`), publishes them through an
 * {@link ItemDispatcher}, and journals each outcome as it comes back; whoever sends an item
 * only needs the call. `lib/cluster/pg_item_dispatcher.ts` implements it on PostgreSQL.
 *
 * A step is handed out only when that is safe and exact: no `until` poll, no `paginate` (both
 * evaluate expressions or journal pages per item), and no item whose request carries a secret
 * (a published request is stored by the database in clear). Such steps run in the process
 * that runs the workflow, as without a dispatcher.
 *
 * @module
 */
import type { ErrorInfo, RunEvent } from "../journal/events.ts";
import type { RetryPolicy } from "../workflow/model.ts";

/** The action an item calls (its catalog entry is looked up again by whoever sends it). */
export interface RemoteTarget {
  service: string;
  action: string;
  version: string;
  region: string;
}

/** One item's request, fully resolved. */
export interface RemoteItem {
  index: number;
  target: RemoteTarget;
  params: Record<string, unknown>;
  /** Set when the action takes a `ClientToken` and mutates (derived from run, step, index). */
  clientToken?: string;
}

/** What is common to the items of a step. */
export interface RemoteStep {
  runId: string;
  stepId: string;
  /** The step's `concurrency`: items of this step in flight at once, over all processes. */
  concurrency: number;
  policy: RetryPolicy;
  timeoutMs?: number | undefined;
  /**
   * Why sending again an item that was in flight when its sender died could apply it twice
   * (a mutating action without a `ClientToken`): such an item becomes `uncertain`.
   */
  unsafe?: string | undefined;
}

/** How one item ended, as its sender recorded it. */
export interface RemoteOutcome {
  index: number;
  status: "succeeded" | "failed" | "uncertain";
  attempts: number;
  /** The response without `RequestId` when it succeeded, else `null`. */
  outputs: unknown;
  requestId?: string;
  error?: ErrorInfo;
  /** The request bodies sent (one per call). */
  requests: unknown[];
  /** `attempt-failed` events of its retries, in order. */
  events: RunEvent[];
  /** True when credentials in the answer were replaced by `***` before it was stored. */
  redacted?: boolean;
}

/** Items of {@link ItemDispatcher.run} that an earlier session of the run knew. */
export interface EarlierItems {
  /**
   * Indexes the journal recorded as failed (or uncertain, to be retried): sent again even if
   * an earlier session published them.
   */
  again: ReadonlySet<number>;
  /**
   * Indexes the journal shows in flight: when no earlier session published them, they were
   * being sent by the run's own process when it stopped, and count as in flight at a death.
   */
  inFlight: ReadonlySet<number>;
}

/** What {@link ItemDispatcher.run} calls back. */
export interface DispatchHooks {
  /** The items are published (before any outcome is reported). */
  published(): Promise<void>;
  /** One item's outcome; `"stop"`: items not yet started are not started. */
  done(outcome: RemoteOutcome): Promise<"continue" | "stop">;
}

/** Hands items of a step to other processes and reports their outcomes. */
export interface ItemDispatcher {
  /**
   * Publishes the items, then reports each outcome as it arrives, and resolves when every
   * item has an outcome or was cancelled (after a `"stop"`). Items published by an earlier
   * session of the same run keep their state: a finished one is reported without being sent
   * again.
   *
   * @throws the signal's reason when aborted
   */
  run(
    step: RemoteStep,
    items: RemoteItem[],
    earlier: EarlierItems,
    hooks: DispatchHooks,
    signal?: AbortSignal,
  ): Promise<void>;
}
