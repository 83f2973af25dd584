/**
 * `tcflow run <workflow>`: validate, then execute against Tencent Cloud (or the in-process
 * emulator with `--emulator`), with live progress on stderr and, with `--json`, the run
 * document of PRODUCT.md section 10 on stdout. `--dry-run` prints the plan instead.
 *
 * Exit codes: 0 succeeded, 1 the run failed, 2 invalid workflow or command line, 3
 * configuration or credential problem.
 *
 * @module
 */
import { type RunSink, teeSink } from "../journal/events.ts";
import { runWorkflow } from "../engine/executor.ts";
import { newRunId } from "../journal/run_id.ts";
import { type JournalError, journalSink, runMeta } from "../journal/store.ts";
import { stringifyJson } from "../json.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import {
  allowedEnv,
  outputFlags,
  overrideRegion,
  parseOneTarget,
  resolvePath,
} from "./_command.ts";
import { cloudsOf, connect, CONNECT_FLAGS, runExitCode, targetFlags } from "./_connect.ts";
import { openStore, rateLimiterOf, runLocation } from "./_journal.ts";
import { isStorageError, memorySink, storageFailureDoc } from "./_storage.ts";
import { formatSummary, progressSink } from "./_progress.ts";
import { boolFlag, listFlag, stringFlag } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";
import { runNames } from "../workflow/names.ts";

const RUN_FLAGS = {
  ...CONNECT_FLAGS,
  "dry-run": { type: "boolean" },
  "live-reads": { type: "boolean" },
} as const;

/** Text of `tcflow run --help`. */
export const RUN_USAGE =
  `Usage: tcflow run <workflow> [--input name=value]… [--inputs file] [--region R] [--profile P]
                  [--emulator | --endpoint-url URL] [--regional-endpoints] [--rate-scale X]
                  [--dry-run [--live-reads]] [--json] [--quiet] [--no-color]

Validates the workflow, then runs its steps in order: retries what is safe to retry, keeps
to each action's rate limit, and prints progress on stderr. --emulator runs against the
built-in emulator with its demo credentials; --dry-run prints the plan and sends nothing.
With --json, the run document {run_id, status, outputs, steps} is printed on stdout.
Exit codes: 0 succeeded, 1 failed, 2 invalid workflow or command line, 3 credentials, or
the journal cannot be written (a full disk, an unwritable state dir; the path is named).
`;

/** `tcflow run`. */
export const runCommand: Command = async (args, ctx) => {
  const command = parseOneTarget(args, ctx, {
    command: "run",
    flags: RUN_FLAGS,
    usage: RUN_USAGE,
    missing: "the workflow file",
    unit: "workflow",
  });
  if (command === undefined) return EXIT.ok;
  const { parsed, target: file } = command;
  if (boolFlag(parsed, "live-reads") && !boolFlag(parsed, "dry-run")) {
    throw new UsageError("run: --live-reads goes with --dry-run");
  }
  const { json, quiet, color } = outputFlags(parsed, ctx);

  const path = resolvePath(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of loaded.diagnostics) {
      ctx.io.stderr(
        formatDiagnostic({ ...d, file: d.file === path ? file : d.file }, loaded.source, {
          color,
        }) + "\n",
      );
    }
    ctx.io.stderr(
      `${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was run.\n`,
    );
    return EXIT.invalid;
  }
  const wf = overrideRegion(loaded.workflow, parsed);
  if (!quiet) {
    for (const d of loaded.diagnostics) {
      ctx.io.stderr(
        formatDiagnostic({ ...d, file: d.file === path ? file : d.file }, loaded.source, {
          color,
        }) + "\n",
      );
    }
  }
  const inputs = parseInputFlags(
    listFlag(parsed, "input"),
    inputsPath(ctx.cwd, stringFlag(parsed, "inputs")),
    wf.inputs,
  );
  const inputSecrets = secretValues(inputs, wf.inputs);
  const env = allowedEnv(wf, ctx);

  if (boolFlag(parsed, "dry-run")) {
    // The planner, loaded only for a dry run.
    const { printPlan } = await import("./_plan.ts");
    return await printPlan(wf, {
      inputs,
      secrets: inputSecrets,
      env,
      parsed,
      ctx,
      json,
      color,
      file,
    });
  }

  const connection = await connect(parsed, ctx, { clouds: cloudsOf(wf) });
  const secrets = [...inputSecrets, ...connection.secrets];
  const runId = newRunId(ctx.deps);
  const startMs = ctx.deps.now();
  // The run as it happens, journaled or not: the document printed if the journal fails.
  const seen = memorySink();
  const sinks: RunSink[] = [seen];
  if (!quiet) sinks.push(progressSink({ write: (text) => ctx.io.stderr(text), color }));
  // The journal: every run is recorded under <state dir>/runs/<run id>/ (or in the database
  // of --store) as it happens.
  let store;
  try {
    store = await openStore(parsed, ctx);
  } catch (error) {
    connection.close();
    throw error;
  }
  const meta = await runMeta({
    runId,
    workflow: wf,
    inputs,
    startedMs: startMs,
    cwd: ctx.cwd,
    secrets,
    ...(connection.region !== undefined ? { region: connection.region } : {}),
    target: connection.target,
  });
  const storageFailed = (error: JournalError) => {
    ctx.io.stderr(`tcflow: ${error.message}; run ${runId} stopped\n`);
    if (json) ctx.io.stdout(stringifyJson(storageFailureDoc(runId, seen.events, error), 2) + "\n");
    return EXIT.config;
  };
  try {
    await store.create(meta);
  } catch (error) {
    connection.close();
    await store.end?.();
    if (isStorageError(error)) return storageFailed(error);
    throw error;
  }
  sinks.push(journalSink(store, runId, { secrets, names: runNames(wf) }));
  if (!quiet) ctx.io.stderr(`journal: ${runLocation(store, runId)}\n`);
  // Ctrl-C stops the run cleanly: requests in flight are cancelled, the journal is closed, and
  // `tcflow resume` continues from there (a step cut in flight is retried only when safe).
  const controller = new AbortController();
  const stopInterrupt = onInterrupt(() => controller.abort(new Interrupted()));
  let result;
  try {
    result = await runWorkflow(wf, {
      inputs,
      deps: connection.deps,
      client: connection.client,
      rateLimiter: await rateLimiterOf(store, connection, parsed),
      sink: teeSink(...sinks),
      runId,
      env,
      secrets,
      signal: controller.signal,
      ...(connection.region !== undefined ? { region: connection.region } : {}),
    });
  } catch (error) {
    if (isStorageError(error)) return storageFailed(error);
    if (!(error instanceof Interrupted)) throw error;
    ctx.io.stderr(
      `interrupted: run ${runId} stopped; \`tcflow resume ${runId}${
        targetFlags(connection.target, parsed)
      }\` continues it\n`,
    );
    return EXIT.failed;
  } finally {
    stopInterrupt();
    connection.close();
    await store.close(runId);
    await store.end?.();
  }
  const durationMs = ctx.deps.now() - startMs;
  ctx.io.stderr(formatSummary(result, durationMs, color));
  if (json) {
    ctx.io.stdout(stringifyJson(result, 2) + "\n");
  } else if (!quiet && Object.keys(result.outputs).length > 0) {
    ctx.io.stdout(outputsText(result.outputs));
  }
  return runExitCode(result.status, result.steps);
};

/** The reason of a run stopped by Ctrl-C. */
class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/** Calls `handler` on SIGINT until the returned function is called. */
function onInterrupt(handler: () => void): () => void {
  try {
    Deno.addSignalListener("SIGINT", handler);
  } catch {
    return () => {}; // no signals here (e.g. a restricted platform)
  }
  return () => Deno.removeSignalListener("SIGINT", handler);
}

function outputsText(outputs: Record<string, unknown>): string {
  const lines = Object.entries(outputs).map(([key, value]) =>
    `${key}: ${typeof value === "string" ? value : stringifyJson(value)}`
  );
  return lines.join("\n") + "\n";
}

function inputsPath(cwd: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : resolvePath(cwd, file);
}
