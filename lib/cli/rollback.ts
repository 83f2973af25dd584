/**
 * `tcflow rollback <run-id>`: runs the `undo` blocks of what the run applied (succeeded steps
 * and succeeded `foreach` items), newest first, under the same run id (compensation
 * `ClientToken`s derive from it). Each undo at most once: one that succeeded earlier is not
 * repeated. Every compensation is journaled (`undo-*`, `rollback-finished`) and shown by
 * `tcflow report`; a run whose compensation finished is `rolled_back`.
 *
 * @module
 */
import { teeSink } from "../journal/events.ts";
import { rollbackWorkflow, stepsToUndo } from "../engine/rollback.ts";
import { stringifyJson } from "../json.ts";
import { replay } from "../journal/replay.ts";
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
run. Only what was applied is undone: succeeded steps, and the succeeded items of a foreach
step that failed part-way. Each undo runs at most once: one that succeeded in an earlier
rollback is not repeated, and an undo answered ResourceNotFound counts as done, so a rollback
that was stopped can be run again and finishes. The run is then listed rolled_back. Secret
inputs were never journaled: give them again with --input. With --json prints {run_id,
status: "rolled_back"|"failed", steps: [{id, index?, status, error?}]}. Exit codes: 0 every
compensation succeeded (or there was nothing to undo), 1 one failed or the run is busy, 2
invalid, 3 credentials.
`;

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
    const run = await loadRecordedRun(first, parsed, ctx, "rollback", { store });
    const pendingIn = (record: RunRecord) => {
      const state = replay(record.events, record.meta);
      const { recorded, undo } = stepsToUndo(state);
      const steps = run.workflow.steps.filter((step) =>
        step.kind === "action" && step.undo !== undefined && undo[step.id] !== undefined
      );
      // A compensation that undid everything but was stopped before it said so is finished.
      const unfinished = state.status !== "rolled_back" &&
        state.steps.some((step) => step.undo.some((u) => u.status === "succeeded"));
      return { recorded, undo, steps, unfinished, rolledBack: state.status === "rolled_back" };
    };
    const nothingToUndo = (rolledBack: boolean) => {
      ctx.io.stderr(`run ${runId}: nothing to undo (no succeeded step with an undo block left)\n`);
      if (json) {
        const status = rolledBack ? "rolled_back" : "succeeded";
        ctx.io.stdout(stringifyJson({ run_id: runId, status, steps: [] }, 2) + "\n");
      }
      return EXIT.ok;
    };
    const firstPending = pendingIn(first);
    if (firstPending.steps.length === 0 && !firstPending.unfinished) {
      return nothingToUndo(firstPending.rolledBack);
    }

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
      const { recorded, undo, steps: pending, unfinished, rolledBack } = pendingIn(
        await store.read(runId),
      );
      if (pending.length === 0 && !unfinished) return nothingToUndo(rolledBack);
      if (!quiet) {
        ctx.io.stderr(
          `rolling back run ${runId}: ${pending.map((s) => s.id).reverse().join(", ")}\n`,
        );
      }
      const results = await rollbackWorkflow(run.workflow, {
        recorded,
        undo,
        inputs: run.inputs,
        deps: connection.deps,
        client: connection.client,
        rateLimiter: await rateLimiterOf(store, connection, parsed),
        sink: teeSink(...reopened.sinks),
        runId,
        env: run.env,
        secrets,
        nowMs: first.meta.startedMs,
        ...(region !== undefined ? { region } : {}),
      });
      const failed = results.filter((r) => r.status === "failed").length;
      const status = failed === 0 ? "rolled_back" : "failed";
      ctx.io.stderr(
        `${failed === 0 ? `run ${runId} rolled back` : `rollback of run ${runId} failed`}: ${
          results.length - failed
        } compensation${results.length - failed === 1 ? "" : "s"} succeeded${
          failed > 0 ? `, ${failed} failed (run the rollback again to retry them)` : ""
        }\n`,
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
      return runExitCode(failed === 0 ? "succeeded" : "failed", results);
    } finally {
      connection.close();
      await store.close(runId);
    }
  }
};
