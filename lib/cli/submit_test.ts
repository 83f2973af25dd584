/**
 * `submit --wait --json` prints the `run --json` document of the finished run, from its
 * journal; a run that failed for a reason of its own (no step failed) says why in `error`.
 */
import assert from "node:assert/strict";
import { replay } from "../journal/replay.ts";
import type { RunEvent } from "../journal/events.ts";
import { runDocument } from "./submit.ts";

const started: RunEvent = {
  type: "run-started",
  timeMs: 1_000,
  runId: "r1",
  workflow: "w",
  file: "w.yaml",
  inputs: { token: "***" },
  stepIds: ["a", "b"],
};

Deno.test("a run whose sealed inputs did not open names E_SEALED_INPUT in its document", () => {
  const events: RunEvent[] = [started, {
    type: "run-finished",
    timeMs: 1_000,
    runId: "r1",
    status: "failed",
    durationMs: 0,
    outputs: {},
    error: { code: "E_SEALED_INPUT", message: "the sealed secret input token does not open" },
  }];
  const doc = runDocument("r1", replay(events, { runId: "r1" }));
  assert.equal(doc.status, "failed");
  assert.deepEqual(doc.steps.map((step) => step.status), ["skipped", "skipped"]);
  assert.deepEqual(doc.error, {
    code: "E_SEALED_INPUT",
    message: "the sealed secret input token does not open",
  });
});

Deno.test("a run that succeeded or failed in a step has no run-level error", () => {
  const ok = runDocument(
    "r1",
    replay([started, {
      type: "run-finished",
      timeMs: 2_000,
      runId: "r1",
      status: "succeeded",
      durationMs: 1_000,
      outputs: {},
    }], { runId: "r1" }),
  );
  assert.equal(ok.status, "succeeded");
  assert.equal("error" in ok, false);
});

Deno.test("a run that failed in a step carries the step's error, not a run-level one", () => {
  const stepError = { code: "ResourceNotFound", message: "no such topic" };
  const failed = runDocument(
    "r1",
    replay([
      started,
      { type: "step-started", timeMs: 1_100, stepId: "a", kind: "action", action: "trocket.X" },
      {
        type: "step-failed",
        timeMs: 1_200,
        stepId: "a",
        attempts: 1,
        durationMs: 100,
        requests: [],
        error: stepError,
        continued: false,
      },
      {
        type: "run-finished",
        timeMs: 1_300,
        runId: "r1",
        status: "failed",
        durationMs: 300,
        outputs: {},
        error: stepError,
      },
    ], { runId: "r1" }),
  );
  assert.equal(failed.status, "failed");
  assert.deepEqual(failed.steps[0]!.error, stepError);
  assert.equal("error" in failed, false);
});
