/**
 * Run events: what happens during a run, as an append-only list of typed records. The durable
 * journal, progress output, `resume` and reports are all readers of these events.
 *
 * Every event has `type`, `timeMs` (from `Deps.now`) and is redacted before it leaves the
 * executor: every secret value (secret inputs, the secret key, session tokens) is replaced by
 * `***` wherever it appears, inside strings too.
 *
 * @module
 */

/**
 * An error as data.
 *
 * @example
 * ```ts
 * import type { ErrorInfo } from "./events.ts";
 * const error: ErrorInfo = { code: "ResourceNotFound.Instance", message: "no such instance", requestId: "req-1" };
 * console.log(error.code); // "ResourceNotFound.Instance"
 * ```
 */
export interface ErrorInfo {
  /** Tencent's error code (`ResourceNotFound.Instance`), `NetworkError.*` or a tcflow `E_*` code. */
  code: string;
  /** What went wrong, redacted. */
  message: string;
  /** The API's request id, when the API answered. */
  requestId?: string;
}

/**
 * Final status of a step (PRODUCT.md section 10).
 *
 * @example
 * ```ts
 * import type { StepStatus } from "./events.ts";
 * const done = (status: StepStatus) => status === "succeeded" || status === "skipped";
 * console.log(done("uncertain")); // false
 * ```
 */
export type StepStatus = "succeeded" | "failed" | "skipped" | "uncertain";

/**
 * How one `foreach` item ended: `uncertain` when a mutating call without a `ClientToken` may or
 * may not have been applied (a kill while it was in flight, an unknown outcome).
 *
 * @example
 * ```ts
 * import type { ItemStatus } from "./events.ts";
 * const resend = (status: ItemStatus) => status === "failed";
 * console.log(resend("succeeded")); // false
 * ```
 */
export type ItemStatus = "succeeded" | "failed" | "uncertain";

/**
 * How a compensation ended: `rolled_back` when every applied step and item is undone.
 *
 * @example
 * ```ts
 * import type { RollbackStatus } from "./events.ts";
 * const status: RollbackStatus = "rolled_back";
 * console.log(status); // "rolled_back"
 * ```
 */
export type RollbackStatus = "rolled_back" | "failed";

/**
 * Every run event.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "./events.ts";
 * const event: RunEvent = { type: "step-skipped", timeMs: 0, stepId: "bind", reason: "when" };
 * console.log(event.type); // "step-skipped"
 * ```
 */
export type RunEvent =
  | {
    type: "run-started";
    timeMs: number;
    runId: string;
    workflow: string;
    file: string;
    inputs: Record<string, unknown>;
    stepIds: string[];
  }
  | {
    type: "step-started";
    timeMs: number;
    stepId: string;
    kind: "action" | "set" | "assert";
    /** `service.Action`, for action steps. */
    action?: string;
    region?: string;
    /** Number of `foreach` items, when the step has `foreach`. */
    items?: number;
  }
  | {
    type: "attempt-failed";
    timeMs: number;
    stepId: string;
    /** `foreach` item index. */
    index?: number;
    /** The attempt that failed (1-based). */
    attempt: number;
    error: ErrorInfo;
    /** Delay before the next attempt, when there is one. */
    retryInMs?: number;
  }
  | {
    type: "step-succeeded";
    timeMs: number;
    stepId: string;
    attempts: number;
    durationMs: number;
    /** The request bodies sent (one per call), redacted. */
    requests: unknown[];
    outputs: unknown;
    requestId?: string;
    /**
     * The outputs as they were, encrypted for `resume` (see `lib/journal/seal.ts`): present
     * when redaction changed `outputs`.
     */
    sealed?: { iv: string; data: string };
    /**
     * A `paginate` read: the list at this path of `outputs` (`["Result", "ServiceSet"]`) is
     * journaled once, in the `list` of the read's `page-fetched` events; here it holds none of
     * those `pagedItems` items, which replay puts back in page order.
     */
    pagedPath?: string[];
    pagedItems?: number;
    /**
     * A `foreach` step: its outputs are journaled once, in the `outputs` of its items'
     * `item-finished` events (of this session or an earlier one); here `outputs` is `[]`, and
     * replay puts these `itemOutputs` items' outputs back in item order.
     */
    itemOutputs?: number;
  }
  | {
    type: "step-failed";
    timeMs: number;
    stepId: string;
    attempts: number;
    durationMs: number;
    requests: unknown[];
    error: ErrorInfo;
    /** True when `on_error: continue` let the run go on. */
    continued: boolean;
  }
  | {
    type: "step-skipped";
    timeMs: number;
    stepId: string;
    /** `user`: a notebook's `skip` (the step runs again when run by name, or by `resume`). */
    reason: "when" | "not-reached" | "resumed" | "user";
  }
  | {
    type: "step-uncertain";
    timeMs: number;
    stepId: string;
    attempts: number;
    durationMs: number;
    requests: unknown[];
    error: ErrorInfo;
  }
  | {
    /** A `foreach` item is about to send its first request (journaled before it is sent). */
    type: "item-started";
    timeMs: number;
    stepId: string;
    index: number;
  }
  | {
    /**
     * A `foreach` item finished. Self-contained (a store may record an item's outcome from this
     * event alone): `resume` never sends a `succeeded` item again and reuses its outputs.
     */
    type: "item-finished";
    timeMs: number;
    stepId: string;
    index: number;
    status: ItemStatus;
    /** Requests this item sent (pages, polls and retries included). */
    attempts: number;
    /** The request bodies this item sent (one per call), redacted. */
    requests: unknown[];
    /** The response without `RequestId` when it succeeded, else `null`. */
    outputs: unknown;
    requestId?: string;
    error?: ErrorInfo;
    /** The outputs as they were, encrypted, when redaction changed them (for `resume`). */
    sealed?: { iv: string; data: string };
    /**
     * An item of a `paginate` step: the list at this path of `outputs` is journaled once, in
     * the item's `page-fetched` events; here it holds none of those `pagedItems` items.
     */
    pagedPath?: string[];
    pagedItems?: number;
  }
  | {
    type: "foreach-progress";
    timeMs: number;
    stepId: string;
    done: number;
    failed: number;
    total: number;
  }
  | {
    type: "page-fetched";
    timeMs: number;
    stepId: string;
    index?: number;
    /** 1-based page number. */
    page: number;
    /** Items received so far. */
    items: number;
    /** The response's total count; absent when the API reports none (Huawei `ListEncodeServers`). */
    total?: number;
    /** This page's list items, so that `resume` goes on from the next page. */
    list?: unknown[];
    /** The pager's state for the next page (its request included); absent after the last. */
    next?: Record<string, unknown>;
  }
  | {
    type: "poll-waiting";
    timeMs: number;
    stepId: string;
    index?: number;
    /** Number of the evaluation of `until` that was false (1-based). */
    poll: number;
    nextInMs: number;
    /**
     * When the first poll of this step (or item) started: `resume` goes on from the next poll
     * with the same deadline (`poll.timeout` counted from here).
     */
    startedMs?: number;
  }
  | {
    type: "run-finished";
    timeMs: number;
    runId: string;
    status: "succeeded" | "failed" | "uncertain";
    durationMs: number;
    outputs: Record<string, unknown>;
    /**
     * Why a run failed before any step ran (a queued run whose sealed secret inputs did not
     * open: `E_SEALED_INPUT`).
     */
    error?: ErrorInfo;
  }
  | { type: "undo-started"; timeMs: number; stepId: string; action: string; index?: number }
  | {
    type: "undo-succeeded";
    timeMs: number;
    stepId: string;
    index?: number;
    request: unknown;
    requestId?: string;
    /** The undo was answered `ResourceNotFound*`: what it removes was already gone (done). */
    alreadyGone?: boolean;
  }
  | { type: "undo-failed"; timeMs: number; stepId: string; index?: number; error: ErrorInfo }
  | {
    /**
     * A compensation (`tcflow rollback`, or `rollback: on_failure`) ended: `rolled_back` when
     * nothing applied is left to undo.
     */
    type: "rollback-finished";
    timeMs: number;
    status: RollbackStatus;
    /** Compensations that succeeded in this session, and those that failed. */
    undone: number;
    failed: number;
  };

/**
 * The `type` of every event.
 *
 * @example
 * ```ts
 * import type { RunEventType } from "./events.ts";
 * const type: RunEventType = "run-finished";
 * console.log(type); // "run-finished"
 * ```
 */
export type RunEventType = RunEvent["type"];

/**
 * The event of a given type.
 *
 * @example
 * ```ts
 * import type { EventOf } from "./events.ts";
 * const describe = (event: EventOf<"attempt-failed">) => `${event.stepId}: ${event.error.code}`;
 * console.log(describe); // [Function: describe]
 * ```
 */
export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/**
 * One handler per event type. Adding an event type fails the type check wherever a handler
 * record is written without it.
 */
export type RunEventHandlers<R> = { [T in RunEventType]: (event: EventOf<T>) => R };

/** Calls the handler of the event's type. */
export function handleEvent<R>(event: RunEvent, handlers: RunEventHandlers<R>): R {
  const handler = handlers[event.type] as (event: RunEvent) => R;
  return handler(event);
}

/**
 * Where events go: the durable journal, progress output, an in-memory list.
 *
 * @example
 * ```ts
 * import type { RunEvent, RunSink } from "./events.ts";
 * // Prints the type and time of every event.
 * const printer: RunSink = {
 *   append(event: RunEvent) {
 *     console.log(event.type, event.timeMs);
 *     return Promise.resolve();
 *   },
 * };
 * await printer.append({ type: "step-skipped", timeMs: 0, stepId: "bind", reason: "when" });
 * ```
 */
export interface RunSink {
  /** Records one event (durably, for the journal) before the run goes on. */
  append(event: RunEvent): Promise<void>;
}

/**
 * A sink that keeps events in memory (tests, notebooks, `--json`).
 *
 * @example
 * ```ts
 * import { MemorySink } from "./events.ts";
 * const sink = new MemorySink();
 * await sink.append({ type: "step-skipped", timeMs: 0, stepId: "bind", reason: "when" });
 * console.log(sink.ofType("step-skipped").length); // 1
 * ```
 */
export class MemorySink implements RunSink {
  /** Every event, oldest first. */
  readonly events: RunEvent[] = [];
  /** Keeps the event. */
  append(event: RunEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
  /** The events of one type. */
  ofType<T extends RunEventType>(type: T): EventOf<T>[] {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }
}

/** A sink that appends to several sinks in order. */
export function teeSink(...sinks: RunSink[]): RunSink {
  return {
    async append(event) {
      for (const sink of sinks) await sink.append(event);
    },
  };
}

export { REDACTED } from "../redact.ts";
