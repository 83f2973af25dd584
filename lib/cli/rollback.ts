/**
 * `tcflow rollback <run-id>`: runs the `undo` blocks of the run's succeeded steps, newest
 * first, under the same run id (compensation `ClientToken`s derive from it). Steps whose undo
 * already succeeded in an earlier rollback are not undone twice. Every compensation is
 * journaled (`undo-*` events) and shown by `tcflow report`.
 *
 * @module
 */
import type { RunSink } from "../engine/events.ts";
import { teeSink } from "../engine/events.ts";
import type { RecordedStep } from "../engine/executor.ts";
import { rollbackWorkflow } from "../engine/rollback.ts";
import { stringifyJson } from "../json.ts";
import { isUndone, replay, type RunState } from "../journal/replay.ts";
import { journalSink, type RunRecord } from "../journal/store.ts";
import { cloudsOf, connect, CONNECT_FLAGS, runExitCode } from "./_connect.ts";
import { loadRecordedRun, openRun, readRun, recordedRegion, storeOf } from "./_journal.ts";
import { progressSink } from "./_progress.ts";
import { boolFlag, parseCommandArgs } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";

/** Text of `tcflow rollback --help`. */
export const ROLLBACK_USAGE =
  `Usage: tcflow rollback <run-id> [--input secret=value]… [--state-dir DIR]
                       [--emulator | --endpoint-url URL] [--regional-endpoints] [--region R]
                       [--profile P] [--json] [--quiet] [--no-color]

Compensates a run: runs the undo blocks of its succeeded steps in reverse order (a foreach
step item by item, last item first). A failed compensation is reported and the others still
run. Steps already undone by an earlier rollback are left alone. Secret inputs were never
journaled: give them again with --input. With --json prints {run_id, status, steps: [{id,
index?, status, error?}]}. Exit codes: 0 every compensation succeeded (or there was nothing
to undo), 1 one failed or the run is busy, 2 invalid, 3 credentials.
`;

/**
 * The recorded steps to compensate: succeeded steps, except those whose undo already
 * succeeded completely (they are marked `skipped`, so their outputs stay in scope for the
 * undo blocks of other steps but they are not undone again).
 */
export function stepsToUndo(state: RunState): Record<string, RecordedStep> {
  const recorded: Record<string, RecordedStep> = {};
  for (const step of state.steps) {
    if (step.status !== "succeeded" && !(step.status === "skipped" && step.skipReason === "when")) {
      continue;
    }
    const status = step.status === "succeeded" && !isUndone(step) ? "succeeded" : "skipped";
    recorded[step.id] = {
      status,
      outputs: step.outputs,
      attempts: step.attempts,
      ...(step.requestId !== undefined ? { request_id: step.requestId } : {}),
    };
  }
  return recorded;
}

/** `tcflow rollback`. */
export const rollbackCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("rollback", args, CONNECT_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(ROLLBACK_USAGE);
    return EXIT.ok;
  }
  const [runId, ...extra] = parsed.positionals;
  if (runId === undefined) throw new UsageError("rollback: missing the run id\n" + ROLLBACK_USAGE);
  if (extra.length > 0) {
    throw new UsageError(`rollback: one run at a time (got ${parsed.positionals.length})`);
  }
  const json = boolFlag(parsed, "json");
  const quiet = boolFlag(parsed, "quiet");
  const color = !boolFlag(parsed, "no-color") && !json && ctx.io.isTerminal &&
    ctx.env("NO_COLOR") === undefined;

  const store = storeOf(parsed, ctx);
  const first = await readRun(store, runId, "rollback");
  const run = await loadRecordedRun(first, parsed, ctx, "rollback");
  const pendingIn = (record: RunRecord) => {
    const recorded = stepsToUndo(replay(record.events, record.meta));
    const steps = run.workflow.steps.filter((step) =>
      step.kind === "action" && step.undo !== undefined && recorded[step.id]?.status === "succeeded"
    );
    return { recorded, steps };
  };
  const nothingToUndo = () => {
    ctx.io.stderr(`run ${runId}: nothing to undo (no succeeded step with an undo block left)\n`);
    if (json) {
      ctx.io.stdout(stringifyJson({ run_id: runId, status: "succeeded", steps: [] }, 2) + "\n");
    }
    return EXIT.ok;
  };
  if (pendingIn(first).steps.length === 0) return nothingToUndo();

  const startRegion = recordedRegion(first, parsed, "rollback");
  const connection = await connect(parsed, ctx, { clouds: cloudsOf(run.workflow) });
  const region = startRegion ?? connection.region;
  const secrets = [...run.inputSecrets, ...connection.secrets];
  if (!(await openRun(store, runId, ctx))) {
    connection.close();
    return EXIT.failed;
  }
  try {
    // Decide under the writer lock: another process may have rolled back meanwhile.
    const { recorded, steps: pending } = pendingIn(await store.read(runId));
    if (pending.length === 0) return nothingToUndo();
    const sinks: RunSink[] = [journalSink(store, runId, { secrets })];
    if (!quiet) sinks.push(progressSink({ write: (text) => ctx.io.stderr(text), color }));
    if (!quiet) {
      ctx.io.stderr(
        `rolling back run ${runId}: ${pending.map((s) => s.id).reverse().join(", ")}\n`,
      );
    }
    const results = await rollbackWorkflow(run.workflow, {
      recorded,
      inputs: run.inputs,
      deps: connection.deps,
      client: connection.client,
      rateLimiter: connection.rateLimiter,
      sink: teeSink(...sinks),
      runId,
      env: run.env,
      secrets,
      ...(region !== undefined ? { region } : {}),
    });
    const failed = results.filter((r) => r.status === "failed").length;
    const status = failed === 0 ? "succeeded" : "failed";
    ctx.io.stderr(
      `rollback of run ${runId} ${status}: ${results.length - failed} compensation${
        results.length - failed === 1 ? "" : "s"
      } succeeded${failed > 0 ? `, ${failed} failed` : ""}\n`,
    );
    if (json) {
      const steps = results.map((r) => ({
        id: r.stepId,
        ...(r.index !== undefined ? { index: r.index } : {}),
        status: r.status,
        ...(r.error !== undefined
          ? { error: { code: r.error.code, message: r.error.message } }
          : {}),
      }));
      ctx.io.stdout(stringifyJson({ run_id: runId, status, steps }, 2) + "\n");
    }
    return runExitCode(status, results);
  } finally {
    connection.close();
    await store.close(runId);
  }
};
