/**
 * `tcflow rollback <run-id>`: runs the `undo` blocks of the run's succeeded steps, newest
 * first, under the same run id (compensation `ClientToken`s derive from it). Steps whose undo
 * already succeeded in an earlier rollback are not undone twice. Every compensation is
 * journaled (`undo-*` events) and shown by `tcflow report`.
 *
 * @module
 */
import { teeSink } from "../journal/events.ts";
import type { RecordedStep } from "../engine/executor.ts";
import { rollbackWorkflow } from "../engine/rollback.ts";
import { stringifyJson } from "../json.ts";
import { isUndone, replay, type RunState } from "../journal/replay.ts";
import type { JournalStore, RunRecord } from "../journal/store.ts";
import { outputFlags, parseOneTarget } from "./_command.ts";
import { CONNECT_FLAGS, runExitCode } from "./_connect.ts";
import { loadRecordedRun, openStore, rateLimiterOf, readRun, reopenRun } from "./_journal.ts";
import { type Command, EXIT } from "./context.ts";

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
  const command = parseOneTarget(args, ctx, {
    command: "rollback",
    flags: CONNECT_FLAGS,
    usage: ROLLBACK_USAGE,
    missing: "the run id",
    unit: "run",
  });
  if (command === undefined) return EXIT.ok;
  const { parsed, target: runId } = command;
  const output = outputFlags(parsed, ctx);
  const { json, quiet } = output;

  const store = await openStore(parsed, ctx);
  try {
    return await withStore(store);
  } finally {
    await store.end?.();
  }

  async function withStore(store: JournalStore): Promise<number> {
    const first = await readRun(store, runId, "rollback");
    const run = await loadRecordedRun(first, parsed, ctx, "rollback");
    const pendingIn = (record: RunRecord) => {
      const recorded = stepsToUndo(replay(record.events, record.meta));
      const steps = run.workflow.steps.filter((step) =>
        step.kind === "action" && step.undo !== undefined &&
        recorded[step.id]?.status === "succeeded"
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

    const reopened = await reopenRun({
      store,
      runId,
      record: first,
      run,
      parsed,
      ctx,
      output,
      command: "rollback",
    });
    if (reopened === undefined) return EXIT.failed;
    const { connection, region, secrets } = reopened;
    try {
      // Decide under the writer lock: another process may have rolled back meanwhile.
      const { recorded, steps: pending } = pendingIn(await store.read(runId));
      if (pending.length === 0) return nothingToUndo();
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
        rateLimiter: await rateLimiterOf(store, connection, parsed),
        sink: teeSink(...reopened.sinks),
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
  }
};
