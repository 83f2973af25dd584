/**
 * `tcflow schedule <files or dirs>…`: runs every workflow that has a `schedule:` on its UTC
 * cron, never two runs of one workflow at once (a fire that would overlap is skipped and
 * logged). Each run is a `tcflow run` of the file: validated again when it fires, journaled
 * under the state dir, with its run id in the log. One line per fire, skip and finish goes to
 * stderr.
 *
 * Directories are searched (not recursively) for `*.yaml` / `*.yml` files; those without a
 * `schedule:` are left out. A file named on the command line must have one.
 *
 * Exit codes: 2 a workflow or the command line is invalid (a bad cron included) before
 * anything runs; otherwise, when the schedule ends (`--once`, `--until`, Ctrl-C), 1 if a run
 * failed and 0 if not.
 *
 * @module
 */
import {
  runSchedule,
  type ScheduledRunResult,
  type ScheduledWorkflow,
} from "../schedule/scheduler.ts";
import { parseCron } from "../workflow/cron.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { CONNECT_FLAGS } from "./_connect.ts";
import { formatDuration } from "./_progress.ts";
import { boolFlag, parseCommandArgs, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";
import { stateDirOf, storeUrlOf } from "./_journal.ts";
import { parseSimClock, SIM_CLOCK_ENV, simulated } from "../schedule/sim_clock.ts";
import type { Deps } from "../deps.ts";
import { fileFireClaims } from "../schedule/fire_gate.ts";
import { type FailureSummary, hookTarget, notifyFailure } from "../schedule/notify.ts";
import type { FailureHook } from "../workflow/model.ts";
import { runCommand } from "./run.ts";
import { formatScheduleList, LISTED_FIRES } from "./_schedule_list.ts";

/** Text of `tcflow schedule --help`. */
export const SCHEDULE_USAGE =
  `Usage: tcflow schedule <workflow files or dirs>… [--once | --until ISO-TIME] [--state-dir DIR]
                       [--emulator | --endpoint-url URL] [--regional-endpoints] [--region R]
                       [--profile P] [--quiet] [--no-color]
       tcflow schedule --list <workflow files or dirs>… [--json]

Runs every workflow that has a schedule: on its cron (UTC, or its timezone: such as
Asia/Shanghai), each run journaled like
\`tcflow run\`. A workflow never runs twice at once: a fire that would overlap a run that is
still going is skipped and logged. Directories are searched for *.yaml and *.yml files.
--once fires what is due in the current minute and exits; --until stops firing after that
time (e.g. 2026-11-24T00:00:00Z). One line per fire, skip and finish is written to stderr.
--list prints each scheduled workflow's next ${LISTED_FIRES} fires (times in UTC) on stdout and
runs nothing; with --json: {workflows: [{name, file, schedule, timezone, next: [ISO times]}]}.
A workflow's on_failure: (a webhook URL, or a command) is told when its run fails, retried
with backoff; what it came to is logged, never fatal.
Exit codes: 0 every run succeeded, 1 a run failed, 2 invalid workflow or command line.
`;

const SCHEDULE_FLAGS = {
  ...CONNECT_FLAGS,
  once: { type: "boolean" },
  until: { type: "string" },
  list: { type: "boolean" },
} as const;

/** Flags handed on to each run (`tcflow run`). */
const RUN_FLAGS_PASSED = [
  "emulator",
  "endpoint-url",
  "regional-endpoints",
  "rate-scale",
  "region",
  "profile",
  "state-dir",
  "store",
  "no-color",
] as const;

/** `tcflow schedule`. */
export const scheduleCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("schedule", args, SCHEDULE_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(SCHEDULE_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError("schedule: give workflow files or directories\n" + SCHEDULE_USAGE);
  }
  if (stringFlag(parsed, "input") !== undefined || stringFlag(parsed, "inputs") !== undefined) {
    throw new UsageError("schedule: scheduled runs use the workflows' input defaults");
  }
  const list = boolFlag(parsed, "list");
  if (boolFlag(parsed, "json") && !list) {
    throw new UsageError("schedule: --json is only for --list; the log goes to stderr");
  }
  const once = boolFlag(parsed, "once");
  const untilText = stringFlag(parsed, "until");
  if (once && untilText !== undefined) {
    throw new UsageError("schedule: --once or --until, not both");
  }
  const untilMs = untilText === undefined ? undefined : parseUntil(untilText);
  const quiet = boolFlag(parsed, "quiet");

  const workflows = await findScheduled(parsed.positionals, ctx, quiet);
  if (workflows === undefined) return EXIT.invalid;
  if (workflows.length === 0) {
    throw new UsageError(
      `schedule: no workflow with a schedule: in ${parsed.positionals.join(", ")}`,
    );
  }
  if (list) {
    if (once || untilText !== undefined) {
      throw new UsageError("schedule: --list runs nothing: leave out --once and --until");
    }
    ctx.io.stdout(formatScheduleList(workflows, ctx.deps.now(), {
      json: boolFlag(parsed, "json"),
      fileName: (file) => relative(ctx, file),
    }));
    return EXIT.ok;
  }
  const log = (timeMs: number, text: string) =>
    ctx.io.stderr(`${new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, "Z")} ${text}\n`);
  for (const w of workflows) {
    log(
      ctx.deps.now(),
      `schedule ${w.name} (${relative(ctx, w.file)}): "${w.cron.source}" ${
        w.cron.timezone ?? "UTC"
      }`,
    );
  }

  const passed = passedFlags(parsed);
  /** The `on_failure:` hooks under way. */
  const hooks = new Set<Promise<void>>();
  const controller = new AbortController();
  const stopInterrupt = onInterrupt(() => controller.abort());
  // On a database store, every fire is claimed in the database (exactly once across any number
  // of schedulers) and the minutes are the database clock's.
  const cluster = await clusterOf(parsed, ctx);
  try {
    const summary = await runSchedule({
      workflows,
      deps: cluster?.deps ?? ctx.deps,
      // On files, a lock file per workflow in the state dir does the same across processes.
      claimFire: cluster?.claimFire ?? fileFireClaims(stateDirOf(parsed, ctx)),
      ...(once ? { once } : {}),
      ...(untilMs !== undefined ? { untilMs } : {}),
      signal: controller.signal,
      runOnce: async (w, scheduledMs) => {
        const startedMs = ctx.deps.now();
        const result = await runScheduled(w, passed, ctx);
        if (result.status !== "succeeded" && w.onFailure !== undefined) {
          // Not awaited by the loop: a slow hook delays no fire; awaited before the end.
          const told: Promise<void> = tellFailure(
            w,
            w.onFailure,
            result,
            { scheduledMs, startedMs },
            ctx,
            log,
          ).finally(() => hooks.delete(told));
          hooks.add(told);
        }
        return result;
      },
      onEvent(e) {
        const at = new Date(e.scheduledMs).toISOString().slice(11, 16);
        const name = e.workflow.name;
        switch (e.type) {
          case "fire":
            return log(e.timeMs, `fire ${name} (due ${at})`);
          case "skip":
            if (e.reason !== "overlap") {
              const why = e.reason === "taken"
                ? "another scheduler fired it"
                : "a run fired by another scheduler is still running";
              return log(e.timeMs, `skip ${name} (due ${at}): ${why}`);
            }
            return log(
              e.timeMs,
              `skip ${name} (due ${at}): the run fired at ${
                new Date(e.runningSinceMs).toISOString().replace(/\.\d{3}Z$/, "Z")
              } is still running`,
            );
          case "finish": {
            const id = e.result.runId !== undefined ? ` run ${e.result.runId}` : "";
            const why = e.result.detail !== undefined ? `: ${e.result.detail}` : "";
            return log(
              e.timeMs,
              `finish ${name}${id} ${e.result.status} in ${formatDuration(e.durationMs)}${why}`,
            );
          }
        }
      },
    });
    await Promise.allSettled([...hooks]);
    log(
      ctx.deps.now(),
      `schedule ended: ${summary.fired} fired, ${summary.skipped} skipped, ${summary.succeeded} succeeded, ${summary.failed} failed`,
    );
    return summary.failed > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    stopInterrupt();
    await cluster?.end();
  }
};

/** The fire claims and database clock of `--store postgres://…`, else undefined. */
async function clusterOf(parsed: ParsedArgs, ctx: CliContext) {
  const url = storeUrlOf(parsed, ctx);
  if (url === undefined) return undefined;
  const { PgJournalStore } = await import("../journal/pg_store.ts");
  const { databaseClockOffsetMs, pgFireClaims } = await import("../cluster/pg_fires.ts");
  const simText = ctx.env(SIM_CLOCK_ENV);
  const sim = simText === undefined || simText === "" ? undefined : parseSimClock(simText);
  if (sim !== undefined && "error" in sim) throw new UsageError(`schedule: ${sim.error}`);
  const store = await PgJournalStore.connect(url, { max: 2 });
  try {
    const offsetMs = await databaseClockOffsetMs(store.sql, ctx.deps.now);
    const clock: Pick<Deps, "now" | "sleep"> = {
      now: () => ctx.deps.now() + offsetMs,
      sleep: ctx.deps.sleep,
    };
    return {
      // Proofs only: a simulated clock shared by several schedulers (sim_clock.ts).
      deps: { ...ctx.deps, ...(sim !== undefined ? simulated(clock, sim) : clock) },
      claimFire: pgFireClaims({ sql: store.sql, owner: `schedule pid ${Deno.pid}` }),
      end: () => store.end(),
    };
  } catch (error) {
    await store.end();
    throw error;
  }
}

function parseUntil(text: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `schedule: --until must be an ISO time with a zone, like 2026-11-24T03:00:00Z: got ${
        JSON.stringify(text)
      }`,
    );
  }
  return ms;
}

/** The scheduled workflows of the paths, or undefined after printing why they are invalid. */
async function findScheduled(
  paths: string[],
  ctx: CliContext,
  quiet: boolean,
): Promise<ScheduledWorkflow[] | undefined> {
  const files: { file: string; named: boolean }[] = [];
  for (const path of paths) {
    const absolute = resolvePath(ctx.cwd, path);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(absolute);
    } catch {
      throw new UsageError(`schedule: no such file or directory: ${path}`);
    }
    if (!info.isDirectory) {
      files.push({ file: absolute, named: true });
      continue;
    }
    const names: string[] = [];
    for await (const entry of Deno.readDir(absolute)) {
      if (entry.isFile && /\.ya?ml$/.test(entry.name)) names.push(entry.name);
    }
    for (const name of names.sort()) {
      files.push({ file: `${absolute.replace(/\/+$/, "")}/${name}`, named: false });
    }
  }
  const scheduled: ScheduledWorkflow[] = [];
  let invalid = 0;
  for (const { file, named } of files) {
    if (scheduled.some((w) => w.file === file)) continue;
    const loaded = await loadWorkflowFile(file);
    const errors = loaded.diagnostics.filter((d) => d.severity === "error");
    if (loaded.workflow === undefined || errors.length > 0) {
      for (const d of errors) {
        ctx.io.stderr(
          formatDiagnostic({ ...d, file: relative(ctx, d.file) }, loaded.source) + "\n",
        );
      }
      invalid++;
      continue;
    }
    const schedule = loaded.workflow.schedule;
    if (schedule === undefined) {
      if (named) throw new UsageError(`schedule: ${relative(ctx, file)} has no schedule:`);
      if (!quiet) ctx.io.stderr(`note: ${relative(ctx, file)} has no schedule:, left out\n`);
      continue;
    }
    const cron = parseCron(schedule);
    if ("error" in cron) { // validation reports it first; kept for safety
      ctx.io.stderr(`${relative(ctx, file)}: bad schedule: ${cron.error}\n`);
      invalid++;
      continue;
    }
    const timezone = loaded.workflow.timezone;
    scheduled.push({
      file,
      name: loaded.workflow.name,
      cron: timezone === undefined ? cron : { ...cron, timezone },
      ...(loaded.workflow.onFailure !== undefined ? { onFailure: loaded.workflow.onFailure } : {}),
    });
  }
  if (invalid > 0) {
    ctx.io.stderr(
      `schedule: ${invalid} invalid workflow${invalid === 1 ? "" : "s"}; nothing was scheduled.\n`,
    );
    return undefined;
  }
  return scheduled;
}

function passedFlags(parsed: ParsedArgs): string[] {
  const args: string[] = [];
  for (const name of RUN_FLAGS_PASSED) {
    const value = parsed.flags[name];
    if (value === true) args.push(`--${name}`);
    else if (typeof value === "string") args.push(`--${name}`, value);
    else if (Array.isArray(value) && value.length > 0) args.push(`--${name}`, value.at(-1)!);
  }
  if (boolFlag(parsed, "quiet")) args.push("--quiet");
  return args;
}

/**
 * One scheduled run: `tcflow run <file> --json` with the schedule's flags; its progress goes to
 * stderr with the workflow's name in front of each line, its run document is read for the id.
 */
async function runScheduled(
  w: ScheduledWorkflow,
  passed: string[],
  ctx: CliContext,
): Promise<ScheduledRunResult> {
  let stdout = "";
  let pending = "";
  const lastLines: string[] = [];
  const stderr = (text: string) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      lastLines.push(line);
      if (lastLines.length > 3) lastLines.shift();
      ctx.io.stderr(`  [${w.name}] ${line}\n`);
    }
  };
  const sub: CliContext = {
    ...ctx,
    io: { stdout: (text) => void (stdout += text), stderr, isTerminal: false },
  };
  let code: number;
  try {
    code = await runCommand([w.file, "--json", ...passed], sub);
  } catch (error) {
    // A usage or configuration problem at fire time (the file changed, credentials went).
    const message = error instanceof Error ? error.message : String(error);
    return { status: "failed", detail: message };
  } finally {
    if (pending !== "") stderr("\n");
  }
  try {
    const doc = JSON.parse(stdout) as {
      run_id?: unknown;
      status?: unknown;
      steps?: { id: string; status: string; error?: { code: string; message: string } }[];
    };
    const result: ScheduledRunResult = {
      status: doc.status === "succeeded" && code === 0
        ? "succeeded"
        : doc.status === "rolled_back"
        ? "rolled_back"
        : "failed",
    };
    if (typeof doc.run_id === "string") result.runId = doc.run_id;
    const stopped = doc.steps?.find((s) => s.status === "failed" || s.status === "uncertain");
    if (result.status !== "succeeded" && stopped !== undefined) {
      result.detail = `step ${stopped.id} ${stopped.status}${
        stopped.error ? ` (${stopped.error.code})` : ""
      }`;
    }
    if (result.status !== "succeeded" && Array.isArray(doc.steps)) {
      result.steps = doc.steps.map((s) => ({
        id: s.id,
        status: s.status,
        ...(s.error ? { error: { code: s.error.code, message: s.error.message } } : {}),
      }));
    }
    return result;
  } catch {
    const last = lastLines.at(-1)?.trim();
    return { status: "failed", detail: last ?? `exit ${code}` };
  }
}

/**
 * Runs a workflow's `on_failure:` hook for a failed scheduled run and logs what it came to
 * (never throws: a hook that fails is logged, the schedule goes on).
 */
async function tellFailure(
  w: ScheduledWorkflow,
  hook: FailureHook,
  result: ScheduledRunResult,
  times: { scheduledMs: number; startedMs: number },
  ctx: CliContext,
  log: (timeMs: number, text: string) => void,
): Promise<void> {
  const finishedMs = ctx.deps.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const summary: FailureSummary = {
    event: "tcflow.schedule.run-failed",
    workflow: w.name,
    file: relative(ctx, w.file),
    ...(result.runId !== undefined ? { run_id: result.runId } : {}),
    status: result.status === "rolled_back" ? "rolled_back" : "failed",
    ...(result.detail !== undefined ? { detail: result.detail } : {}),
    scheduled_at: iso(times.scheduledMs),
    finished_at: iso(finishedMs),
    duration_ms: Math.max(0, finishedMs - times.startedMs),
    ...(result.steps !== undefined ? { steps: result.steps } : {}),
  };
  const target = hookTarget(hook);
  try {
    const outcome = await notifyFailure(hook, summary, {
      fetch: ctx.deps.fetch,
      sleep: ctx.deps.sleep,
      runCommand: runHookCommand,
    });
    const tries = `${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"}`;
    log(
      ctx.deps.now(),
      outcome.ok
        ? `on_failure ${w.name}: ${target} told (${tries})`
        : `on_failure ${w.name}: ${target} failed after ${tries}: ${outcome.error}`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(ctx.deps.now(), `on_failure ${w.name}: ${target} failed: ${message}`);
  }
}

/** Runs a hook's command with the summary on its stdin (its stdout and stderr are kept). */
async function runHookCommand(
  argv: readonly string[],
  stdin: string,
): Promise<{ code: number; stderr: string }> {
  const [program, ...args] = argv;
  const child = new Deno.Command(program!, {
    args,
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin)).catch(() => {});
  await writer.close().catch(() => {});
  const output = await child.output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

/** Calls `handler` on SIGINT until the returned function is called. */
function onInterrupt(handler: () => void): () => void {
  try {
    Deno.addSignalListener("SIGINT", handler);
  } catch {
    return () => {};
  }
  return () => Deno.removeSignalListener("SIGINT", handler);
}

function resolvePath(cwd: string, file: string): string {
  return file.startsWith("/") || /^[A-Za-z]:[\\/]/.test(file)
    ? file
    : `${cwd.replace(/\/+$/, "")}/${file}`;
}

function relative(ctx: CliContext, file: string): string {
  const prefix = ctx.cwd.replace(/\/+$/, "") + "/";
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}
