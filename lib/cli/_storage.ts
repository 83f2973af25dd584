/**
 * When the journal cannot be written (a full disk, an unwritable state dir): the run stops
 * before it sends anything it could not record, and `run --json` still prints its document,
 * built from the events the run produced (they are already redacted), with the storage error.
 * The command exits 3 (a configuration problem), the message naming the path.
 *
 * @module
 */
import type { RunEvent, RunSink } from "../journal/events.ts";
import { replay } from "../journal/replay.ts";
import { JournalError } from "../journal/store.ts";

/** A sink that keeps every event in memory (the run as it happened, journaled or not). */
export function memorySink(): RunSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    events,
    append(event) {
      events.push(event);
      return Promise.resolve();
    },
  };
}

/** Whether an error is the journal's storage failing. */
export function isStorageError(error: unknown): error is JournalError {
  return error instanceof JournalError && error.code === "E_STORAGE";
}

/** One step of the document of a run stopped by a storage failure. */
export interface StoppedStep {
  id: string;
  /** As far as the run got: `pending` was never started, `running` was stopped before it was sent. */
  status: string;
  attempts: number;
  outputs: unknown;
  error?: { code: string; message: string };
}

/**
 * The `run --json` document of a run stopped because its journal could not be written:
 * `status: "failed"`, the steps as far as the run got, and `error: {code: "E_STORAGE",
 * message}` naming the path.
 */
export function storageFailureDoc(
  runId: string,
  events: readonly RunEvent[],
  error: JournalError,
): {
  run_id: string;
  status: "failed";
  outputs: Record<string, never>;
  steps: StoppedStep[];
  error: { code: string; message: string };
} {
  const state = replay([...events]);
  const steps = state.steps.map((step): StoppedStep => ({
    id: step.id,
    status: step.status,
    attempts: step.attempts,
    outputs: step.outputs,
    ...(step.error !== undefined
      ? { error: { code: step.error.code, message: step.error.message } }
      : {}),
  }));
  return {
    run_id: runId,
    status: "failed",
    outputs: {},
    steps,
    error: { code: "E_STORAGE", message: error.message },
  };
}
