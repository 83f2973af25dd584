/**
 * The cells of a notebook as a pure fold of its run's events: each step's last recorded state
 * (from `replay`), plus staleness. A finished cell (succeeded, or skipped by its `when`) is
 * stale when an input it reads differs from the value it ran with, or a cell it reads is stale
 * or finished after it.
 *
 * @module
 */
import type { ErrorInfo, RunEvent } from "../journal/events.ts";
import { type EarlierTry, isUndone, type RunState } from "../journal/replay.ts";
import { stringifyJson } from "../json.ts";
import { actionLabelOf } from "../catalog/clouds.ts";
import type { Step, Workflow } from "../workflow/model.ts";
import type { CellDeps } from "./_deps.ts";

/**
 * Status of a cell. `stale`: finished, but an input or a cell it reads has changed since;
 * `rolled_back`: it succeeded and a `rollback` undid it since.
 */
export type CellStatus =
  | "rolled_back"
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "skipped"
  | "uncertain"
  | "stale";

/** One cell: a step of the workflow and what is known of its last run. */
export interface Cell {
  /** The step id. */
  id: string;
  /** 1-based position. */
  n: number;
  /** The step kind: `action`, `set` or `assert`. */
  kind: Step["kind"];
  /** `service.Action` of action cells. */
  action?: string;
  /** The step's `doc` (Markdown). */
  doc?: string;
  /** Where the cell stands. */
  status: CellStatus;
  /** Why the cell has its status, when that is not obvious ("input queueNum changed"). */
  note?: string;
  /** Request bodies of the last run (redacted). */
  requests: unknown[];
  /** Outputs of the last run: the response without `RequestId`, or the `set` values. */
  outputs: unknown;
  /** `RequestId` of the last call of the last run. */
  requestId?: string;
  /** Why the last run failed, when it did. */
  error?: ErrorInfo;
  /** Requests sent by the last run. */
  attempts: number;
  /** How long the last run took, in milliseconds. */
  durationMs?: number;
  /** What the cell reads directly. */
  reads: { inputs: string[]; steps: string[] };
  /** The earlier runs of the cell that a later run replaced, oldest first. */
  history: EarlierTry[];
}

/** What {@link deriveCells} folds. */
export interface CellSources {
  workflow: Workflow;
  /** Direct reads of every step. */
  reads: Map<string, CellDeps>;
  /** The replayed run. */
  state: RunState;
  events: readonly RunEvent[];
  /** The current inputs, redacted like the journal's. */
  inputs: Record<string, unknown>;
  /** Event position after which each secret input was changed (values are never compared). */
  secretChanged: ReadonlyMap<string, number>;
  /** Event position after which each step's definition changed (`reload`). */
  changed?: ReadonlyMap<string, number>;
}

/** The cells, in order. */
export function deriveCells(o: CellSources): Cell[] {
  const scan = scanEvents(o.events);
  const statusOf = new Map<string, CellStatus>();
  const records = new Map(o.state.steps.map((s) => [s.id, s]));
  return o.workflow.steps.map((step, index) => {
    const record = records.get(step.id);
    const reads = o.reads.get(step.id)!;
    let status: CellStatus = record?.status ?? "pending";
    let note: string | undefined;
    if (status === "skipped" && record?.skipReason === "not-reached") status = "pending";
    if (status === "skipped" && record?.skipReason === "when") note = "when is false";
    if (status === "running") note = "interrupted while running";
    if (status === "skipped" && record?.skipReason === "user") {
      note = "skipped by you";
    } else if (status === "succeeded" && record !== undefined && isUndone(record)) {
      status = "rolled_back";
      note = "undone by a rollback";
    } else if (status === "succeeded" || status === "skipped") {
      const stale = staleness(step.id, reads, scan, statusOf, o);
      if (stale !== undefined) {
        status = "stale";
        note = stale;
      }
    }
    statusOf.set(step.id, status);
    const cell: Cell = {
      id: step.id,
      n: index + 1,
      kind: step.kind,
      status,
      requests: record?.requests ?? [],
      outputs: record?.outputs ?? null,
      attempts: record?.attempts ?? 0,
      reads: { inputs: [...reads.inputs], steps: [...reads.steps] },
      history: record?.earlier ?? [],
    };
    if (step.kind === "action") cell.action = actionLabel(step);
    if (step.doc !== undefined) cell.doc = step.doc;
    if (note !== undefined) cell.note = note;
    if (record?.requestId !== undefined) cell.requestId = record.requestId;
    if (record?.error !== undefined && status !== "pending") cell.error = record.error;
    if (record?.durationMs !== undefined) cell.durationMs = record.durationMs;
    return cell;
  });
}

/** Why a finished cell is stale, or `undefined` when it is not. */
function staleness(
  id: string,
  reads: CellDeps,
  scan: EventScan,
  statusOf: ReadonlyMap<string, CellStatus>,
  o: CellSources,
): string | undefined {
  const seq = scan.finishSeq.get(id) ?? 0;
  if ((o.changed?.get(id) ?? -1) > seq) return "its step changed in the file";
  const ranWith = scan.finishInputs.get(id) ?? {};
  for (const name of reads.inputs) {
    if (
      canonical(ranWith[name]) !== canonical(o.inputs[name]) ||
      (o.secretChanged.get(name) ?? -1) > seq
    ) {
      return `input ${name} changed`;
    }
  }
  for (const dep of reads.steps) {
    if (statusOf.get(dep) === "stale") return `cell ${dep} is stale`;
    if ((scan.finishSeq.get(dep) ?? 0) > seq) return `cell ${dep} ran again since`;
  }
  return undefined;
}

/** Where each step last finished (event position, 1-based) and with which inputs. */
export interface EventScan {
  finishSeq: Map<string, number>;
  finishInputs: Map<string, Record<string, unknown>>;
}

/** Scans the events for {@link EventScan}. */
export function scanEvents(events: readonly RunEvent[]): EventScan {
  const finishSeq = new Map<string, number>();
  const finishInputs = new Map<string, Record<string, unknown>>();
  let inputs: Record<string, unknown> = {};
  events.forEach((event, index) => {
    if (event.type === "run-started") inputs = event.inputs;
    const finished = event.type === "step-succeeded" || event.type === "step-failed" ||
      event.type === "step-uncertain" ||
      (event.type === "step-skipped" && event.reason === "when");
    if (finished) {
      finishSeq.set(event.stepId, index + 1);
      finishInputs.set(event.stepId, inputs);
    }
  });
  return { finishSeq, finishInputs };
}

/** The inputs of the run's last session (`run-started`), if any. */
export function latestInputs(events: readonly RunEvent[]): Record<string, unknown> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === "run-started") return event.inputs;
  }
  return undefined;
}

function canonical(value: unknown): string {
  return value === undefined ? "" : stringifyJson(value) ?? "";
}

function actionLabel(step: Extract<Step, { kind: "action" }>): string {
  return actionLabelOf(step.action);
}
