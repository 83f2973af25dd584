/**
 * `tcflow runs`: the runs of the state directory, oldest first — id, workflow, status,
 * start, duration and step counts; `--json` prints `{runs: [...]}` on stdout.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import type { RunSummary } from "../journal/store.ts";
import { formatDurationMs, formatTime } from "../report/format.ts";
import { boolFlag, parseCommandArgs } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";
import { openStore } from "./_journal.ts";

/** Text of `tcflow runs --help`. */
export const RUNS_USAGE = `Usage: tcflow runs [--state-dir DIR | --store postgres://…] [--json]

Lists the runs journaled in the state directory (.tcflow by default) or the database of
--store (env TCFLOW_STORE), oldest first: id, workflow, status (queued, running,
interrupted, succeeded, failed, rolled_back, damaged), start time (UTC), duration and
steps. A damaged run (a journal record that does not check, a missing or damaged
meta.json) is listed with the reason; resume and rollback refuse it. --json prints
{"runs": [{run_id, workflow, file, status, started_at, owner?, duration_ms, steps,
reason?}]} on stdout.
`;

/** One run of `runs --json`. */
export interface RunsJsonEntry {
  run_id: string;
  workflow: string;
  file: string;
  status: RunSummary["status"];
  /** ISO 8601 UTC. */
  started: string;
  /** The same, under the name every store's listing uses. */
  started_at: string;
  /** Who writes or last wrote the run (database store). */
  owner?: string;
  duration_ms: number;
  steps: Record<string, number>;
  /** Why a `damaged` run's journal cannot be trusted. */
  reason?: string;
}

/** `tcflow runs`. */
export const runsCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("runs", args, {});
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(RUNS_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`runs: takes no arguments (got ${parsed.positionals.join(" ")})`);
  }
  const store = await openStore(parsed, ctx);
  let runs: RunSummary[];
  try {
    runs = await store.list();
  } finally {
    await store.end?.();
  }
  if (boolFlag(parsed, "json")) {
    const entries: RunsJsonEntry[] = runs.map((run) => ({
      run_id: run.runId,
      workflow: run.workflow,
      file: run.file,
      status: run.status,
      started: new Date(run.startedMs).toISOString(),
      started_at: new Date(run.startedMs).toISOString(),
      ...(run.owner !== undefined ? { owner: run.owner } : {}),
      duration_ms: run.durationMs,
      steps: run.steps,
      ...(run.damaged !== undefined ? { reason: run.damaged } : {}),
    }));
    ctx.io.stdout(stringifyJson({ runs: entries }, 2) + "\n");
    return EXIT.ok;
  }
  if (runs.length === 0) {
    ctx.io.stderr(`no runs in ${store.location}\n`);
    return EXIT.ok;
  }
  ctx.io.stdout(runsTable(runs));
  return EXIT.ok;
};

/** The human table of runs. */
export function runsTable(runs: readonly RunSummary[]): string {
  const header = ["RUN ID", "WORKFLOW", "STATUS", "STARTED (UTC)", "DURATION", "STEPS"];
  // A damaged run shows why in place of its steps.
  const rows = runs.map((run) => [
    run.runId,
    run.workflow,
    run.status,
    formatTime(run.startedMs).slice(0, 19),
    formatDurationMs(run.durationMs),
    run.damaged ?? Object.entries(run.steps).map(([status, n]) => `${n} ${status}`).join(", "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
