/**
 * Replay: folds a run's events into its state — per step status, attempts, requests, outputs,
 * retries, errors and compensations, the steps in flight, the run's status and a timeline.
 * `resume`, `rollback`, `report`, `runs` and the notebook all read a run through this fold.
 *
 * A run may have several sessions (the first `run`, then each `resume`, each adding a
 * `run-started` … `run-finished`); a later session's `step-skipped` with reason `resumed` keeps
 * what the earlier session recorded.
 *
 * @module
 */
import {
  type ErrorInfo,
  handleEvent,
  type ItemStatus,
  type RunEvent,
  type RunEventHandlers,
  type StepStatus,
} from "./events.ts";
import type { Sealed } from "./seal.ts";

/** A step's state: `pending` before it starts, `running` between start and finish. */
/**
 * A `foreach` item as an earlier session of the run recorded it (`resume`): `running` when it
 * started and never finished (the process died while it was in flight).
 */
export interface RecordedItem {
  index: number;
  status: ItemStatus | "running";
  attempts: number;
  outputs: unknown;
  requestId?: string;
  error?: ErrorInfo;
  /** Its outputs as they were, encrypted, when `outputs` is redacted (`lib/journal/seal.ts`). */
  sealed?: Sealed;
}

/**
 * How far the `until` poll of a step (or of one of its items) had gone when a session stopped
 * in it: `poll` evaluations were false, the first started at `startedMs`. `resume` goes on with
 * poll `poll + 1` when it is due (`nextMs`), with the same deadline.
 */
export interface PollProgress {
  poll: number;
  startedMs: number;
  /** When the next poll was due. */
  nextMs: number;
}

/**
 * How far the pages of a `paginate` step (or item) had gone when a session stopped in them:
 * the items of pages 1 to `pages` and the pager's state for the next page. `resume` goes on
 * from there.
 */
export interface PageProgress {
  pages: number;
  items: unknown[];
  next: Record<string, unknown>;
}

/** A step recorded by an earlier run, reused by `resume`. */
export interface RecordedStep {
  /** The status it ended with; `succeeded` and `skipped` steps are not run again. */
  status: StepStatus;
  /** Its outputs as recorded (`steps.<id>.outputs`). */
  outputs: unknown;
  /** `RequestId` of its last call (`steps.<id>.request_id`). */
  request_id?: string;
  /** Requests it sent. */
  attempts?: number;
  /** Its outputs as they were, encrypted, when `outputs` is redacted (`lib/journal/seal.ts`). */
  sealed?: Sealed;
}

export type StepState = "pending" | "running" | StepStatus;

/** A failed attempt that was (or was not) retried. */
export interface AttemptFailure {
  timeMs: number;
  attempt: number;
  index?: number;
  error: ErrorInfo;
  retryInMs?: number;
}

/** A compensation call of a step's `undo` block. */
export interface UndoRecord {
  /** Position in the journal of the `undo-started` event. */
  seq: number;
  action: string;
  index?: number;
  status: "running" | "succeeded" | "failed";
  startedMs: number;
  finishedMs?: number;
  request?: unknown;
  requestId?: string;
  error?: ErrorInfo;
}

/** What is recorded of one `foreach` item (across sessions: its last try). */
export interface ItemRecord {
  index: number;
  /** `running` from `item-started` until `item-finished`. */
  status: "running" | ItemStatus;
  /** Requests it sent in its last try. */
  attempts: number;
  requests: unknown[];
  outputs: unknown;
  requestId?: string;
  error?: ErrorInfo;
  /** The outputs of its last `item-finished`, sealed (a later finish without a seal drops it). */
  sealed?: Sealed;
  /** Position in the journal of its `item-finished` (or `item-started` while running). */
  seq: number;
}

/**
 * A finished try of a step that a later try replaced (a notebook cell run again, a step that
 * failed and ran again on `resume`): kept so that reports show every try, not only the last.
 */
export interface EarlierTry {
  /** How the try ended. */
  status: "succeeded" | "failed" | "uncertain";
  /** Requests it sent. */
  attempts: number;
  /** When it started (epoch ms). */
  startedMs?: number;
  /** When it finished (epoch ms). */
  finishedMs?: number;
  /** The cloud's `RequestId` of its last answer. */
  requestId?: string;
  /** Why it failed or is uncertain. */
  error?: ErrorInfo;
  /** Its outputs (redacted), when it succeeded. */
  outputs?: unknown;
  /** Whether its effect was undone before the next try (its `undo` ran after it). */
  undone: boolean;
}

/** Everything recorded of one step. */
export interface StepRecord {
  id: string;
  status: StepState;
  kind?: "action" | "set" | "assert";
  /** `service.Action` of action steps. */
  action?: string;
  region?: string;
  /** Why a skipped step did not run. */
  skipReason?: "when" | "not-reached" | "user";
  /** Requests sent by the last try (all calls and attempts). */
  attempts: number;
  startedMs?: number;
  finishedMs?: number;
  durationMs?: number;
  /** Request bodies sent by the last try (redacted). */
  requests: unknown[];
  outputs: unknown;
  /** The outputs as they were, encrypted, when the recorded ones are redacted. */
  sealed?: Sealed;
  requestId?: string;
  error?: ErrorInfo;
  /** `on_error: continue` let the run go on after this step failed. */
  continued?: boolean;
  /** Position in the journal of the event that finished the step's last try. */
  finishedSeq?: number;
  /** Failed attempts, of every try. */
  retries: AttemptFailure[];
  /** Number of sessions that started this step. */
  tries: number;
  /** The finished tries before the last one, oldest first. */
  earlier: EarlierTry[];
  /** `foreach` items and progress. */
  items?: number;
  progress?: { done: number; failed: number; total: number };
  /** Pages fetched and `until` evaluations that were false, in the last try. */
  pages: number;
  polls: number;
  /**
   * The `until` polls under way (by item index, `-1` for a step without `foreach`): dropped as
   * the step or item finishes.
   */
  polling?: Map<number, PollProgress>;
  /** The pages read so far (by item index, `-1`: no item), dropped as the step or item ends. */
  paging?: Map<number, PageProgress>;
  /**
   * The items of the pages of the step's latest read (by item index, `-1`: no `foreach`), in
   * order, to put back into the outputs of its `step-succeeded` or the item's `item-finished`
   * (`pagedPath`); none when a page is missing.
   */
  pageItems?: Map<number, { pages: number; items: unknown[] }>;
  undo: UndoRecord[];
  /** Every `foreach` item that started, in the order they first started (kept across tries). */
  itemRecords: ItemRecord[];
}

/** Severity of a timeline entry (reports colour by it). */
export type Severity = "info" | "ok" | "warn" | "error";

/** One line of the timeline. */
export interface TimelineEntry {
  timeMs: number;
  type: RunEvent["type"];
  stepId?: string;
  text: string;
  severity: Severity;
}

/** A run as its events tell it. */
export interface RunState {
  runId: string;
  workflow: string;
  file: string;
  /** Inputs of the first session (redacted). */
  inputs: Record<string, unknown>;
  /**
   * `running` while the last session has no `run-finished` (a live or an interrupted run);
   * `rolled_back` once a compensation undid everything that was applied.
   */
  status: "running" | "succeeded" | "failed" | "uncertain" | "rolled_back";
  startedMs: number;
  /** Time of the last `run-finished`. */
  finishedMs?: number;
  /** Time of the last event. */
  lastEventMs: number;
  /** Workflow `outputs` of the last finished session. */
  outputs: Record<string, unknown>;
  /** Why the last finished session failed before any step ran, when its `run-finished` says. */
  error?: ErrorInfo;
  /** Number of `run-started` events: 1 for a run, +1 per `resume`. */
  sessions: number;
  /** Every step, in workflow order (steps only seen in events come last). */
  steps: StepRecord[];
  /** Steps started and not finished (the process stopped while they ran, or it still runs). */
  inFlight: string[];
  timeline: TimelineEntry[];
}

/** A finished step that `resume` does not send again. */
export interface CompletedStep {
  status: "succeeded" | "skipped";
  outputs: unknown;
  /** The outputs as they were, encrypted, when `outputs` is redacted. */
  sealed?: Sealed;
  requestId?: string;
  attempts: number;
}

/**
 * What `resume` needs. ClientTokens are derived from (run id, step id, item index), so reusing
 * the run id reuses them: a step retried by `resume` sends the same tokens.
 */
export interface ResumeState {
  runId: string;
  /** Steps not sent again: succeeded, or skipped by their `when`. */
  completed: Map<string, CompletedStep>;
  /** Steps started and not finished when the process stopped. */
  inFlight: string[];
  /** Steps whose outcome is unknown (`uncertain`). */
  uncertain: string[];
  /** Steps that failed (they run again). */
  failed: string[];
  /**
   * The `foreach` items recorded for the steps that did not finish (failed, uncertain, in
   * flight): succeeded ones are not sent again.
   */
  items: Map<string, RecordedItem[]>;
  /** The `until` polls a stopped session was in, by step id and item index (`-1`: no item). */
  polls: Map<string, Record<number, PollProgress>>;
  /** The pages a stopped session had read, by step id and item index (`-1`: no item). */
  pages: Map<string, Record<number, PageProgress>>;
}

function newStep(id: string): StepRecord {
  return {
    id,
    status: "pending",
    attempts: 0,
    requests: [],
    outputs: null,
    retries: [],
    tries: 0,
    earlier: [],
    pages: 0,
    polls: 0,
    undo: [],
    itemRecords: [],
  };
}

const at = (index: number | undefined) => (index === undefined ? "" : ` item ${index}`);

/**
 * The outputs of a paginated step's `step-succeeded` (or of an item's `item-finished`), with
 * the items its `page-fetched` events journaled put back at `pagedPath` (the maps on the path
 * copied, nothing else). Pages that do not add up to `pagedItems` leave the outputs as
 * journaled.
 */
function withPages(
  s: StepRecord,
  e: { index?: number; outputs: unknown; pagedPath?: string[]; pagedItems?: number },
): unknown {
  const read = s.pageItems?.get(e.index ?? -1);
  s.pageItems?.delete(e.index ?? -1);
  const path = e.pagedPath ?? [];
  if (read === undefined || read.items.length !== e.pagedItems || path.length === 0) {
    return e.outputs;
  }
  const put = (value: unknown, at: number): unknown => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const key = path[at]!;
    const map = value as Record<string, unknown>;
    if (at === path.length - 1) {
      const rest = Array.isArray(map[key]) ? map[key] as unknown[] : [];
      return { ...map, [key]: [...read.items, ...rest] };
    }
    return { ...map, [key]: put(map[key], at + 1) };
  };
  return put(e.outputs, 0);
}

/**
 * The outputs of a `foreach` step's `step-succeeded` that left them to its items
 * (`itemOutputs`): the outputs of its items `0…count-1`, in order, as their `item-finished`
 * events journaled them. Without a succeeded item for each, the outputs as journaled.
 */
function withItems(
  items: ReadonlyMap<number, ItemRecord> | undefined,
  count: number,
  journaled: unknown,
): unknown {
  const outputs: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const record = items?.get(index);
    if (record?.status !== "succeeded") return journaled;
    outputs.push(record.outputs);
  }
  return outputs;
}

/**
 * Folds events into the run's state.
 *
 * @param events the run's events, in journal order
 * @param base what is known before the first event (from the run's meta)
 */
export function replay(
  events: readonly RunEvent[],
  base: {
    runId: string;
    workflow?: string;
    file?: string;
    startedMs?: number;
    inputs?: Record<string, unknown>;
  } = {
    runId: "",
  },
): RunState {
  const state: RunState = {
    runId: base.runId,
    workflow: base.workflow ?? "",
    file: base.file ?? "",
    inputs: base.inputs ?? {},
    status: "running",
    startedMs: base.startedMs ?? events[0]?.timeMs ?? 0,
    lastEventMs: base.startedMs ?? 0,
    outputs: {},
    sessions: 0,
    steps: [],
    inFlight: [],
    timeline: [],
  };
  const byId = new Map<string, StepRecord>();
  const itemsById = new Map<string, Map<number, ItemRecord>>();
  let seq = 0;
  const item = (stepId: string, index: number): ItemRecord => {
    let items = itemsById.get(stepId);
    if (items === undefined) itemsById.set(stepId, items = new Map());
    let record = items.get(index);
    if (record === undefined) {
      record = { index, status: "running", attempts: 0, requests: [], outputs: null, seq };
      items.set(index, record);
      step(stepId).itemRecords.push(record);
    }
    return record;
  };
  const step = (id: string): StepRecord => {
    let record = byId.get(id);
    if (record === undefined) {
      record = newStep(id);
      byId.set(id, record);
      state.steps.push(record);
    }
    return record;
  };
  const note = (e: RunEvent, text: string, severity: Severity = "info", stepId?: string) => {
    state.timeline.push({
      timeMs: e.timeMs,
      type: e.type,
      text,
      severity,
      ...(stepId !== undefined ? { stepId } : {}),
    });
  };
  const finish = (
    s: StepRecord,
    e: { timeMs: number; attempts: number; durationMs: number; requests: unknown[] },
  ) => {
    s.attempts = e.attempts;
    s.finishedMs = e.timeMs;
    s.finishedSeq = seq;
    s.durationMs = e.durationMs;
    s.requests = e.requests;
    delete s.polling; // a finished step polls afresh when it runs again
    delete s.paging;
  };

  const handlers: RunEventHandlers<void> = {
    "run-started": (e) => {
      state.sessions++;
      if (state.sessions === 1) {
        state.runId = e.runId;
        state.workflow = e.workflow;
        state.file = e.file;
        state.inputs = e.inputs;
        if (base.startedMs === undefined) state.startedMs = e.timeMs;
      }
      state.status = "running";
      delete state.finishedMs;
      for (const id of e.stepIds) step(id);
      note(
        e,
        state.sessions === 1
          ? `run started: ${e.workflow}`
          : `run resumed (session ${state.sessions})`,
      );
    },
    "step-started": (e) => {
      const s = step(e.stepId);
      if (s.status === "succeeded" || s.status === "failed" || s.status === "uncertain") {
        s.earlier.push(earlierTry(s, s.status));
      }
      s.status = "running";
      s.kind = e.kind;
      if (e.action !== undefined) s.action = e.action;
      if (e.region !== undefined) s.region = e.region;
      if (e.items !== undefined) s.items = e.items;
      s.startedMs = e.timeMs;
      s.tries++;
      s.attempts = 0;
      s.requests = [];
      s.outputs = null;
      s.pages = 0;
      s.polls = 0;
      delete s.error;
      delete s.requestId;
      delete s.skipReason;
      delete s.finishedMs;
      delete s.finishedSeq;
      delete s.durationMs;
      delete s.progress;
      note(
        e,
        `${e.stepId} started${e.action !== undefined ? `: ${e.action}` : ` (${e.kind})`}`,
        "info",
        e.stepId,
      );
    },
    "attempt-failed": (e) => {
      const s = step(e.stepId);
      const failure: AttemptFailure = { timeMs: e.timeMs, attempt: e.attempt, error: e.error };
      if (e.index !== undefined) failure.index = e.index;
      if (e.retryInMs !== undefined) failure.retryInMs = e.retryInMs;
      s.retries.push(failure);
      const next = e.retryInMs !== undefined ? `; retry in ${e.retryInMs} ms` : "";
      note(
        e,
        `${e.stepId}${at(e.index)}: attempt ${e.attempt} failed: ${e.error.code}${next}`,
        "warn",
        e.stepId,
      );
    },
    "step-succeeded": (e) => {
      const s = step(e.stepId);
      finish(s, e);
      s.status = "succeeded";
      s.outputs = e.itemOutputs !== undefined
        ? withItems(itemsById.get(e.stepId), e.itemOutputs, e.outputs)
        : e.pagedPath === undefined
        ? e.outputs
        : withPages(s, e);
      if (e.sealed !== undefined) s.sealed = e.sealed;
      else delete s.sealed;
      if (e.requestId !== undefined) s.requestId = e.requestId;
      note(
        e,
        `${e.stepId} succeeded (${e.attempts} attempt${e.attempts === 1 ? "" : "s"})`,
        "ok",
        e.stepId,
      );
    },
    "step-failed": (e) => {
      const s = step(e.stepId);
      finish(s, e);
      s.status = "failed";
      s.error = e.error;
      s.continued = e.continued;
      note(
        e,
        `${e.stepId} failed: ${e.error.code}: ${e.error.message}${
          e.continued ? " (continued)" : ""
        }`,
        "error",
        e.stepId,
      );
    },
    "step-skipped": (e) => {
      const s = step(e.stepId);
      if (e.reason === "resumed") {
        note(e, `${e.stepId}: done in an earlier session`, "info", e.stepId);
        return;
      }
      s.status = "skipped";
      s.skipReason = e.reason;
      s.outputs = null;
      s.finishedMs = e.timeMs;
      note(
        e,
        `${e.stepId} skipped (${
          e.reason === "when"
            ? "when is false"
            : e.reason === "user"
            ? "by the user"
            : "not reached"
        })`,
        "info",
        e.stepId,
      );
    },
    "step-uncertain": (e) => {
      const s = step(e.stepId);
      finish(s, e);
      s.status = "uncertain";
      s.error = e.error;
      note(e, `${e.stepId} uncertain: ${e.error.code}: ${e.error.message}`, "error", e.stepId);
    },
    "item-started": (e) => {
      const record = item(e.stepId, e.index);
      record.status = "running";
      record.seq = seq;
      delete record.error;
    },
    "item-finished": (e) => {
      const s = step(e.stepId);
      s.polling?.delete(e.index);
      s.paging?.delete(e.index);
      const outputs = e.pagedPath === undefined ? e.outputs : withPages(s, e);
      s.pageItems?.delete(e.index);
      const record = item(e.stepId, e.index);
      record.status = e.status;
      record.seq = seq;
      record.attempts = e.attempts;
      record.requests = e.requests;
      record.outputs = outputs;
      if (e.sealed !== undefined) record.sealed = e.sealed;
      else delete record.sealed; // a stale seal of an earlier try
      if (e.requestId !== undefined) record.requestId = e.requestId;
      else delete record.requestId;
      if (e.error !== undefined) record.error = e.error;
      else delete record.error;
      if (e.status !== "succeeded") {
        note(
          e,
          `${e.stepId} item ${e.index} ${e.status}: ${e.error?.code ?? ""}: ${
            e.error?.message ?? ""
          }`,
          e.status === "failed" ? "error" : "warn",
          e.stepId,
        );
      }
    },
    "foreach-progress": (e) => {
      const s = step(e.stepId);
      s.items = e.total;
      s.progress = { done: e.done, failed: e.failed, total: e.total };
      if (e.done > 0) {
        note(e, `${e.stepId}: ${e.done}/${e.total} items, ${e.failed} failed`, "info", e.stepId);
      }
    },
    "page-fetched": (e) => {
      const s = step(e.stepId);
      s.pages++;
      const key = e.index ?? -1;
      const read = s.pageItems?.get(key);
      if (e.list !== undefined && (e.page === 1 || read?.pages === e.page - 1)) {
        s.pageItems ??= new Map();
        s.pageItems.set(key, {
          pages: e.page,
          items: [...(e.page === 1 ? [] : read?.items ?? []), ...e.list],
        });
      } else s.pageItems?.delete(key); // a page is missing
      const before = s.paging?.get(key);
      if (e.list === undefined || e.next === undefined) s.paging?.delete(key);
      else if (e.page === 1 || before?.pages === e.page - 1) {
        s.paging ??= new Map();
        s.paging.set(key, {
          pages: e.page,
          items: [...(e.page === 1 ? [] : before?.items ?? []), ...e.list],
          next: e.next,
        });
      } else s.paging?.delete(key); // a page is missing: read them all again
      note(
        e,
        `${e.stepId}${at(e.index)}: page ${e.page}, ${e.items}/${e.total} items`,
        "info",
        e.stepId,
      );
    },
    "poll-waiting": (e) => {
      const s = step(e.stepId);
      s.polls++;
      if (e.startedMs !== undefined) {
        s.polling ??= new Map();
        s.polling.set(e.index ?? -1, {
          poll: e.poll,
          startedMs: e.startedMs,
          nextMs: e.timeMs + e.nextInMs,
        });
      }
      note(
        e,
        `${e.stepId}${at(e.index)}: until is false (poll ${e.poll}), next in ${e.nextInMs} ms`,
        "info",
        e.stepId,
      );
    },
    "run-finished": (e) => {
      state.status = e.status;
      state.finishedMs = e.timeMs;
      state.outputs = e.outputs;
      if (e.error !== undefined) state.error = e.error;
      else delete state.error;
      const why = e.error !== undefined ? `: ${e.error.code}: ${e.error.message}` : "";
      note(e, `run ${e.status}${why}`, e.status === "succeeded" ? "ok" : "error");
    },
    "undo-started": (e) => {
      const record: UndoRecord = { seq, action: e.action, status: "running", startedMs: e.timeMs };
      if (e.index !== undefined) record.index = e.index;
      step(e.stepId).undo.push(record);
      note(e, `undo ${e.stepId}${at(e.index)}: ${e.action}`, "info", e.stepId);
    },
    "undo-succeeded": (e) => {
      const record = openUndo(step(e.stepId), e.index);
      if (record !== undefined) {
        record.status = "succeeded";
        record.finishedMs = e.timeMs;
        record.request = e.request;
        if (e.requestId !== undefined) record.requestId = e.requestId;
      }
      const gone = e.alreadyGone ? " (already gone)" : "";
      note(e, `undone ${e.stepId}${at(e.index)}${gone}`, "ok", e.stepId);
    },
    "undo-failed": (e) => {
      const s = step(e.stepId);
      const record = openUndo(s, e.index) ??
        { seq, action: "", status: "running", startedMs: e.timeMs };
      if (!s.undo.includes(record)) s.undo.push(record);
      record.status = "failed";
      record.finishedMs = e.timeMs;
      record.error = e.error;
      note(
        e,
        `undo of ${e.stepId}${at(e.index)} failed: ${e.error.code}: ${e.error.message}`,
        "error",
        e.stepId,
      );
    },
    "rollback-finished": (e) => {
      if (e.status === "rolled_back") state.status = "rolled_back";
      const failed = e.failed > 0 ? `, ${e.failed} failed` : "";
      note(
        e,
        e.status === "rolled_back"
          ? `rolled back (${e.undone} undone)`
          : `rollback incomplete (${e.undone} undone${failed})`,
        e.status === "rolled_back" ? "ok" : "error",
      );
    },
  };

  for (const event of events) {
    seq++;
    handleEvent(event, handlers);
    state.lastEventMs = Math.max(state.lastEventMs, event.timeMs);
  }
  state.inFlight = state.steps.filter((s) => s.status === "running").map((s) => s.id);
  return state;
}

function earlierTry(s: StepRecord, status: EarlierTry["status"]): EarlierTry {
  const done: EarlierTry = { status, attempts: s.attempts, undone: isUndone(s) };
  if (s.startedMs !== undefined) done.startedMs = s.startedMs;
  if (s.finishedMs !== undefined) done.finishedMs = s.finishedMs;
  if (s.requestId !== undefined) done.requestId = s.requestId;
  if (s.error !== undefined) done.error = s.error;
  if (status === "succeeded") done.outputs = s.outputs;
  return done;
}

function openUndo(step: StepRecord, index: number | undefined): UndoRecord | undefined {
  for (let i = step.undo.length - 1; i >= 0; i--) {
    const record = step.undo[i]!;
    if (record.status === "running" && record.index === index) return record;
  }
  return undefined;
}

/**
 * Whether a succeeded step was compensated since it last succeeded: its `undo` ran after it
 * (by `rollback: on_failure` or `tcflow rollback`) and every compensation call succeeded (in
 * one of its tries: a rollback run again finishes what an earlier one left).
 */
export function isUndone(step: StepRecord): boolean {
  const after = step.undo.filter((u) => u.seq > (step.finishedSeq ?? 0));
  // Each compensation call (one per item) is done once one of its tries succeeded.
  const done = new Set(after.filter((u) => u.status === "succeeded").map((u) => u.index));
  return after.length > 0 && after.every((u) => done.has(u.index));
}

/** Whether a `foreach` item that succeeded was undone since (its undo succeeded after it). */
export function isItemUndone(step: StepRecord, item: ItemRecord): boolean {
  return step.undo.some((u) =>
    u.index === item.index && u.seq > item.seq && u.status === "succeeded"
  );
}

/**
 * What a compensation has left to undo in a step: `"step"` for a succeeded step without
 * `foreach` items not undone yet, the indexes of its succeeded items not undone yet (newest
 * index first), or nothing. Each undo is done at most once: one that succeeded (or was
 * answered `ResourceNotFound*`) is not repeated.
 */
export function leftToUndo(step: StepRecord): "step" | number[] {
  if (step.itemRecords.length === 0) {
    return step.status === "succeeded" && !isUndone(step) ? "step" : [];
  }
  return step.itemRecords
    .filter((item) => item.status === "succeeded" && !isItemUndone(step, item))
    .map((item) => item.index)
    .sort((a, b) => b - a);
}

/**
 * What `resume` needs from a run: the steps it does not send again and those that need care.
 * A step skipped because an earlier step failed (`not-reached`) is not complete: it runs; so
 * does a step whose effect was undone by a rollback.
 */
export function resumeState(state: RunState): ResumeState {
  const completed = new Map<string, CompletedStep>();
  const uncertain: string[] = [];
  const failed: string[] = [];
  const items = new Map<string, RecordedItem[]>();
  const polls = new Map<string, Record<number, PollProgress>>();
  const pages = new Map<string, Record<number, PageProgress>>();
  for (const s of state.steps) {
    if (
      (s.status === "succeeded" && !isUndone(s)) ||
      (s.status === "skipped" && s.skipReason === "when")
    ) {
      const done: CompletedStep = { status: s.status, outputs: s.outputs, attempts: s.attempts };
      if (s.requestId !== undefined) done.requestId = s.requestId;
      if (s.sealed !== undefined) done.sealed = s.sealed;
      completed.set(s.id, done);
    } else if (s.status === "uncertain") {
      uncertain.push(s.id);
    } else if (s.status === "failed") {
      failed.push(s.id);
    }
    if (!completed.has(s.id) && s.itemRecords.length > 0) items.set(s.id, recordedItems(s));
    if (!completed.has(s.id) && s.polling !== undefined && s.polling.size > 0) {
      polls.set(s.id, Object.fromEntries(s.polling));
    }
    if (!completed.has(s.id) && s.paging !== undefined && s.paging.size > 0) {
      pages.set(s.id, Object.fromEntries(s.paging));
    }
  }
  return {
    runId: state.runId,
    completed,
    inFlight: [...state.inFlight],
    uncertain,
    failed,
    items,
    polls,
    pages,
  };
}

/** The items of a step as `resume` sees them: an item undone since it succeeded is sent again. */
function recordedItems(s: StepRecord): RecordedItem[] {
  return s.itemRecords.map((record) => {
    const undone = record.status === "succeeded" && isItemUndone(s, record);
    const item: RecordedItem = {
      index: record.index,
      status: undone ? "failed" : record.status,
      attempts: record.attempts,
      outputs: undone ? null : record.outputs,
    };
    if (record.requestId !== undefined && !undone) item.requestId = record.requestId;
    if (record.sealed !== undefined && !undone) item.sealed = record.sealed;
    if (record.error !== undefined) item.error = record.error;
    return item;
  });
}

/** The `resume` option of `runWorkflow`: the completed steps with their recorded outputs. */
export function recordedSteps(resume: ResumeState): Record<string, RecordedStep> {
  const out: Record<string, RecordedStep> = {};
  for (const [id, done] of resume.completed) {
    out[id] = {
      status: done.status,
      outputs: done.outputs,
      attempts: done.attempts,
      ...(done.requestId !== undefined ? { request_id: done.requestId } : {}),
      ...(done.sealed !== undefined ? { sealed: done.sealed } : {}),
    };
  }
  return out;
}

/**
 * Steps per status: `{succeeded: 3, failed: 1}`. A succeeded step its undo compensated since
 * counts as `rolled_back` (see {@link isUndone}), so `runs` and reports do not call it succeeded.
 */
export function stepCounts(state: RunState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of state.steps) {
    const status = s.status === "succeeded" && isUndone(s) ? "rolled_back" : s.status;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/**
 * How long a run was at work, in milliseconds: the sum of its sessions — from each
 * `run-started` (a `run`, a `resume`, a notebook cell) or a later rollback's first `undo-started`
 * to the last event before the next one — so the time a notebook waited for its user, or a run
 * lay interrupted before `resume`, is not counted (PRODUCT.md section 16: status that does not
 * lie).
 *
 * @example
 * ```ts
 * import { activeDurationMs } from "./replay.ts";
 * activeDurationMs([
 *   { type: "run-started", timeMs: 0, runId: "r", workflow: "w", file: "w.yaml", inputs: {}, stepIds: [] },
 *   { type: "step-skipped", timeMs: 50, stepId: "a", reason: "when" },
 *   { type: "run-started", timeMs: 3_600_000, runId: "r", workflow: "w", file: "w.yaml", inputs: {}, stepIds: [] },
 *   { type: "step-skipped", timeMs: 3_600_020, stepId: "b", reason: "when" },
 * ], 0); // 70
 * ```
 */
export function activeDurationMs(events: readonly RunEvent[], startedMs: number): number {
  let total = 0;
  let from: number | undefined;
  let last: number | undefined;
  let ended = false;
  for (const event of events) {
    const opens = event.type === "run-started" || (event.type === "undo-started" && ended);
    if (opens || from === undefined) {
      if (from !== undefined && last !== undefined) total += Math.max(0, last - from);
      from = opens ? event.timeMs : Math.min(startedMs, event.timeMs);
      last = event.timeMs;
    }
    last = Math.max(last ?? event.timeMs, event.timeMs);
    ended = event.type === "run-finished" || event.type === "rollback-finished";
  }
  if (from !== undefined && last !== undefined) total += Math.max(0, last - from);
  return total;
}
