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
  type RunEvent,
  type RunEventHandlers,
  type StepStatus,
} from "../engine/events.ts";
import type { RecordedStep } from "../engine/executor.ts";
import type { Sealed } from "./seal.ts";

/** A step's state: `pending` before it starts, `running` between start and finish. */
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

/** Everything recorded of one step. */
export interface StepRecord {
  id: string;
  status: StepState;
  kind?: "action" | "set" | "assert";
  /** `service.Action` of action steps. */
  action?: string;
  region?: string;
  /** Why a skipped step did not run. */
  skipReason?: "when" | "not-reached";
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
  /** `foreach` items and progress. */
  items?: number;
  progress?: { done: number; failed: number; total: number };
  /** Pages fetched and `until` evaluations that were false, in the last try. */
  pages: number;
  polls: number;
  undo: UndoRecord[];
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
  /** `running` while the last session has no `run-finished` (a live or an interrupted run). */
  status: "running" | "succeeded" | "failed";
  startedMs: number;
  /** Time of the last `run-finished`. */
  finishedMs?: number;
  /** Time of the last event. */
  lastEventMs: number;
  /** Workflow `outputs` of the last finished session. */
  outputs: Record<string, unknown>;
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
    pages: 0,
    polls: 0,
    undo: [],
  };
}

const at = (index: number | undefined) => (index === undefined ? "" : ` item ${index}`);

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
  let seq = 0;
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
      s.outputs = e.outputs;
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
        `${e.stepId} skipped (${e.reason === "when" ? "when is false" : "not reached"})`,
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
    "foreach-progress": (e) => {
      const s = step(e.stepId);
      s.items = e.total;
      s.progress = { done: e.done, failed: e.failed, total: e.total };
      if (e.done > 0) {
        note(e, `${e.stepId}: ${e.done}/${e.total} items, ${e.failed} failed`, "info", e.stepId);
      }
    },
    "page-fetched": (e) => {
      step(e.stepId).pages++;
      note(
        e,
        `${e.stepId}${at(e.index)}: page ${e.page}, ${e.items}/${e.total} items`,
        "info",
        e.stepId,
      );
    },
    "poll-waiting": (e) => {
      step(e.stepId).polls++;
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
      note(e, `run ${e.status}`, e.status === "succeeded" ? "ok" : "error");
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
      note(e, `undone ${e.stepId}${at(e.index)}`, "ok", e.stepId);
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
  };

  for (const event of events) {
    seq++;
    handleEvent(event, handlers);
    state.lastEventMs = Math.max(state.lastEventMs, event.timeMs);
  }
  state.inFlight = state.steps.filter((s) => s.status === "running").map((s) => s.id);
  return state;
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
 * (by `rollback: on_failure` or `tcflow rollback`) and every compensation call succeeded.
 */
export function isUndone(step: StepRecord): boolean {
  const after = step.undo.filter((u) => u.seq > (step.finishedSeq ?? 0));
  return after.length > 0 && after.every((u) => u.status === "succeeded");
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
  }
  return { runId: state.runId, completed, inFlight: [...state.inFlight], uncertain, failed };
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

/** Steps per status: `{succeeded: 3, failed: 1}`. */
export function stepCounts(state: RunState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of state.steps) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
}
