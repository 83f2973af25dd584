/**
 * The scheduling loop of `tcflow schedule`: fires each workflow on its UTC cron, never two
 * runs of one workflow at once (a fire that would overlap a run still going is skipped and
 * reported), and reports every fire, skip and finish as an event.
 *
 * Pure at the edges: time comes from `deps.now`/`deps.sleep` (a virtual clock in tests) and a
 * run is whatever `runOnce` does (the CLI runs the workflow journaled, as `tcflow run` does).
 *
 * Semantics:
 * - A workflow first fires at the first cron minute at or after the start (a start at exactly
 *   03:00:00.000 fires a `0 3 * * *` workflow at once; 03:00:30 waits for the next day).
 * - Fires missed while the process could not run (a suspended machine) are not caught up: one
 *   fire for the lot, then the next cron time after now.
 * - `once`: fires the workflows whose cron matches the current UTC minute, waits for them, and
 *   returns. `untilMs`: no fire later than that time; returns at that time, once the runs have
 *   finished.
 *
 * @example
 * ```ts
 * import { parseCron } from "../workflow/cron.ts";
 * import { createVirtualClock } from "../engine/virtual_clock.ts";
 * import { runSchedule } from "./scheduler.ts";
 * const cron = parseCron("*\/15 * * * *");
 * if ("error" in cron) throw new Error(cron.error);
 * const clock = createVirtualClock({ startMs: Date.UTC(2026, 0, 1) });
 * const summary = await runSchedule({
 *   workflows: [{ file: "/w/a.yaml", name: "a", cron }],
 *   deps: clock,
 *   runOnce: () => Promise.resolve({ status: "succeeded" }),
 *   untilMs: Date.UTC(2026, 0, 1, 1),
 * });
 * console.log(summary.fired); // 5: 00:00, 00:15, 00:30, 00:45, 01:00
 * ```
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import type { Cron } from "../workflow/cron.ts";
import type { FailureHook } from "../workflow/model.ts";
import { nextRun } from "./next_run.ts";

/** A workflow to schedule. */
export interface ScheduledWorkflow {
  /** Absolute path of the workflow file (the identity: one run of it at a time). */
  file: string;
  /** The workflow's `name`. */
  name: string;
  cron: Cron;
  /** The workflow's `on_failure:` hook. */
  onFailure?: FailureHook;
}

/** What one run came to. */
export interface ScheduledRunResult {
  /** The run's id, when a run was started (and journaled). */
  runId?: string;
  /** `rolled_back` when the run failed and its `rollback: on_failure` undid what it applied. */
  status: "succeeded" | "failed" | "rolled_back";
  /** Why, when the run could not start or failed (one line, no secrets). */
  detail?: string;
  /** Each step's status and error, from the run document (for an `on_failure:` hook). */
  steps?: Array<{ id: string; status: string; error?: { code: string; message: string } }>;
}

/** What the loop reports. */
export type ScheduleEvent =
  | { type: "fire"; timeMs: number; workflow: ScheduledWorkflow; scheduledMs: number }
  | {
    type: "skip";
    timeMs: number;
    workflow: ScheduledWorkflow;
    scheduledMs: number;
    reason: "overlap";
    /** When the run that is still going was fired. */
    runningSinceMs: number;
  }
  | {
    type: "skip";
    timeMs: number;
    workflow: ScheduledWorkflow;
    scheduledMs: number;
    /** Another scheduler fired this minute (`taken`) or still runs the workflow (`busy`). */
    reason: "taken" | "busy";
  }
  | {
    type: "finish";
    timeMs: number;
    workflow: ScheduledWorkflow;
    scheduledMs: number;
    durationMs: number;
    result: ScheduledRunResult;
  };

/** Options of {@link runSchedule}. */
export interface ScheduleOptions {
  workflows: ScheduledWorkflow[];
  deps: Pick<Deps, "now" | "sleep">;
  /** Runs a workflow once; a rejection counts as a failed run. */
  runOnce(workflow: ScheduledWorkflow, scheduledMs: number): Promise<ScheduledRunResult>;
  onEvent?(event: ScheduleEvent): void;
  /** Fire what is due in the current minute, wait for those runs, and return. */
  once?: boolean;
  /** No fire after this time (epoch ms); the loop returns when the runs have finished. */
  untilMs?: number;
  /** Stops firing (runs under way are waited for). */
  signal?: AbortSignal;
  /**
   * Several schedulers on one database: asked before each fire; only `won` runs the workflow
   * (`taken`: another scheduler fired this minute; `busy`: one still runs the workflow). The
   * returned `finished` is called when the run ends.
   */
  claimFire?(
    workflow: ScheduledWorkflow,
    scheduledMs: number,
  ): Promise<{ verdict: "won"; finished(): Promise<void> } | { verdict: "taken" | "busy" }>;
}

/** Counts of one {@link runSchedule}. */
export interface ScheduleSummary {
  fired: number;
  skipped: number;
  succeeded: number;
  failed: number;
}

/** Longest single sleep: long waits are cut up so a clock change is noticed within this time. */
export const MAX_SLEEP_MS = 3_600_000;

/** True when `cron` fires in the UTC minute of `timeMs`. */
export function isDue(cron: Cron, timeMs: number): boolean {
  const minuteMs = Math.floor(timeMs / 60_000) * 60_000;
  return nextRun(cron, minuteMs - 1) === minuteMs;
}

/**
 * Runs the schedule until `untilMs`, `once` is done, `signal` aborts, or no workflow fires
 * again. Never rejects because a run failed.
 */
export async function runSchedule(options: ScheduleOptions): Promise<ScheduleSummary> {
  const { deps, workflows, signal } = options;
  const emit = (event: ScheduleEvent) => options.onEvent?.(event);
  const summary: ScheduleSummary = { fired: 0, skipped: 0, succeeded: 0, failed: 0 };
  const running = new Map<string, { sinceMs: number; done: Promise<void> }>();

  const fire = (workflow: ScheduledWorkflow, scheduledMs: number) => {
    const timeMs = deps.now();
    const current = running.get(workflow.file);
    if (current !== undefined) {
      summary.skipped++;
      emit({
        type: "skip",
        timeMs,
        workflow,
        scheduledMs,
        reason: "overlap",
        runningSinceMs: current.sinceMs,
      });
      return;
    }
    const claim = options.claimFire;
    if (claim === undefined) {
      start(workflow, scheduledMs, timeMs);
      return;
    }
    // Held as running while the database decides, so the same process never asks twice.
    const done = claim(workflow, scheduledMs).then(async (answer) => {
      if (answer.verdict !== "won") {
        running.delete(workflow.file);
        summary.skipped++;
        emit({ type: "skip", timeMs: deps.now(), workflow, scheduledMs, reason: answer.verdict });
        return;
      }
      running.delete(workflow.file);
      start(workflow, scheduledMs, timeMs, answer.finished);
      await running.get(workflow.file)?.done;
    }, (error) => {
      running.delete(workflow.file);
      summary.failed++;
      const detail = error instanceof Error ? error.message : String(error);
      emit({
        type: "finish",
        timeMs: deps.now(),
        workflow,
        scheduledMs,
        durationMs: 0,
        result: { status: "failed", detail: `the fire could not be recorded: ${detail}` },
      });
    });
    running.set(workflow.file, { sinceMs: timeMs, done });
  };

  const start = (
    workflow: ScheduledWorkflow,
    scheduledMs: number,
    timeMs: number,
    finished?: () => Promise<void>,
  ) => {
    summary.fired++;
    emit({ type: "fire", timeMs, workflow, scheduledMs });
    const finish = (result: ScheduledRunResult) => {
      if (result.status === "succeeded") summary.succeeded++;
      else summary.failed++;
      const endMs = deps.now();
      running.delete(workflow.file);
      emit({
        type: "finish",
        timeMs: endMs,
        workflow,
        scheduledMs,
        durationMs: endMs - timeMs,
        result,
      });
    };
    const done = Promise.resolve()
      .then(() => options.runOnce(workflow, scheduledMs))
      .then(finish, (error) =>
        finish({
          status: "failed",
          detail: error instanceof Error ? error.message : String(error),
        }))
      .then(() => finished?.())
      .catch(() => {}); // a fire row left unfinished is freed by its lease
    running.set(workflow.file, { sinceMs: timeMs, done });
  };

  if (options.once) {
    const nowMs = deps.now();
    const minuteMs = Math.floor(nowMs / 60_000) * 60_000;
    for (const workflow of workflows) {
      if (isDue(workflow.cron, nowMs)) fire(workflow, minuteMs);
    }
  } else {
    const startMs = deps.now();
    const next = new Map(workflows.map((w) => [w, nextRun(w.cron, startMs - 1)]));
    while (!signal?.aborted) {
      const soonestMs = Math.min(...next.values());
      const untilMs = options.untilMs ?? Infinity;
      if (!Number.isFinite(soonestMs) && !Number.isFinite(untilMs)) break;
      if (soonestMs > untilMs && deps.now() >= untilMs) break;
      const waitMs = Math.min(soonestMs, untilMs) - deps.now();
      if (waitMs > 0) {
        try {
          await deps.sleep(Math.min(waitMs, MAX_SLEEP_MS), signal);
        } catch {
          break; // aborted
        }
        continue; // woke up: look again (the sleep may have been cut up)
      }
      const nowMs = deps.now();
      for (const [workflow, atMs] of next) {
        if (atMs > nowMs) continue;
        fire(workflow, atMs);
        next.set(workflow, nextRun(workflow.cron, nowMs));
      }
    }
  }
  while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
  return summary;
}
