/**
 * `tcflow schedule --list <paths>`: each scheduled workflow with its cron, time zone and next
 * fires (times in UTC), as text
 * or, with `--json`, `{workflows: [{name, file, schedule, timezone, next: [ISO times]}]}`.
 * Nothing runs and nothing is written.
 *
 * @module
 */
import type { ScheduledWorkflow } from "../schedule/scheduler.ts";
import { nextRun } from "../schedule/next_run.ts";

/** How many next fires are listed per workflow. */
export const LISTED_FIRES = 5;

/** The next `count` fires of a workflow strictly after `afterMs` (fewer when the cron ends). */
export function nextFires(w: ScheduledWorkflow, afterMs: number, count: number): number[] {
  const fires: number[] = [];
  let at = afterMs;
  while (fires.length < count) {
    at = nextRun(w.cron, at);
    if (!Number.isFinite(at)) break;
    fires.push(at);
  }
  return fires;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The listing: one block per workflow (text) or the JSON document. */
export function formatScheduleList(
  workflows: ScheduledWorkflow[],
  nowMs: number,
  options: { json: boolean; fileName: (file: string) => string },
): string {
  const rows = workflows.map((w) => ({
    name: w.name,
    file: options.fileName(w.file),
    schedule: w.cron.source,
    timezone: w.cron.timezone ?? "UTC",
    next: nextFires(w, nowMs, LISTED_FIRES).map(iso),
  }));
  if (options.json) return JSON.stringify({ workflows: rows }, null, 2) + "\n";
  return rows.map((r) =>
    `${r.name} (${r.file}): "${r.schedule}" ${r.timezone}\n` +
    (r.next.length === 0 ? "  no fire within the next years\n" : "") +
    r.next.map((at) => `  ${at}\n`).join("")
  ).join("");
}
