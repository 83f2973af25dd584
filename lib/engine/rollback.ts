/**
 * Compensation of a recorded run (`tcflow rollback RUN_ID`): the `undo` blocks of its
 * succeeded steps, newest first.
 *
 * @module
 */
import type { ActionStep, Workflow } from "../workflow/model.ts";
import { finishRollback, runUndo, undoEnv, type UndoResult, type UndoTarget } from "./_undo.ts";
import type { RunEvent, StepStatus } from "../journal/events.ts";
import { secretDeriver, SecretSet } from "../secrets.ts";
import { runNames } from "../workflow/names.ts";
import { type EngineOptions, partlyDone, type RecordedStep } from "./executor.ts";
import { leftToUndo, type RunState, type StepRecord } from "../journal/replay.ts";

export type { UndoResult } from "./_undo.ts";

/**
 * Options of {@link rollbackWorkflow}.
 *
 * @example
 * ```ts
 * import type { RollbackOptions } from "./rollback.ts";
 * import { systemDeps } from "../deps.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { createRateLimiter } from "./rate_limiter.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const options: RollbackOptions = {
 *   // The steps of the run, as recorded: only succeeded ones are undone.
 *   recorded: { plan: { status: "succeeded", outputs: { Result: { UsagePlanId: "usagePlan-1" } } } },
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: "run-1",
 * };
 * console.log(Object.keys(options.recorded)); // [ "plan" ]
 * ```
 */
export interface RollbackOptions extends EngineOptions {
  /** The steps of the run to compensate, as recorded (only `succeeded` ones are undone). */
  recorded: Record<string, RecordedStep>;
  /**
   * What is left to undo per step, from the journal (`leftToUndo` of `lib/journal/replay.ts`):
   * `"step"`, or the `foreach` items applied and not undone yet. When given, only these are
   * undone (each undo at most once); otherwise succeeded steps and the succeeded items of
   * partly failed `foreach` steps.
   */
  undo?: Record<string, "step" | number[]>;
  /** The time `now` stands for in the undo blocks (epoch ms): the run's start. Default: now. */
  nowMs?: number;
}

/**
 * Runs the `undo` blocks of a run's succeeded steps in reverse order (`tcflow rollback`).
 * Emits `undo-*` events; a failed compensation does not stop the others.
 *
 * @returns one entry per compensation call, in the order they ran
 *
 * @example
 * ```ts
 * import { systemDeps } from "../deps.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { loadWorkflowText } from "../workflow/load.ts";
 * import { runWorkflow } from "./executor.ts";
 * import { createRateLimiter } from "./rate_limiter.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const { workflow } = loadWorkflowText(
 *   [
 *     "tcflow: 1",
 *     "name: topic",
 *     "region: ap-guangzhou",
 *     "steps:",
 *     "  - id: topic",
 *     "    action: trocket.CreateTopic",
 *     "    with: { InstanceId: rmq-72mo3a9o, Topic: orders, TopicType: NORMAL, QueueNum: 3 }",
 *     "    undo:",
 *     "      action: trocket.DeleteTopic",
 *     "      with: { InstanceId: rmq-72mo3a9o, Topic: orders }",
 *   ].join("\n"),
 *   "topic.yaml",
 * );
 * const options = {
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: "run-1",
 * };
 * const run = await runWorkflow(workflow!, options);
 * const recorded = Object.fromEntries(run.steps.map((step) => [step.id, step]));
 * const undone = await rollbackWorkflow(workflow!, { ...options, recorded });
 * console.log(undone); // [{ stepId: "topic", status: "succeeded" }]
 * ```
 */
export async function rollbackWorkflow(wf: Workflow, opts: RollbackOptions): Promise<UndoResult[]> {
  const secrets = new SecretSet(opts.secrets ?? []);
  secrets.addNames(runNames(wf));
  const redact = <T>(value: T): T => secrets.redact(value);
  const sink = opts.sink;
  const emit = async (event: RunEvent) => {
    if (sink !== undefined) await sink.append(redact(event));
  };
  const steps: Record<string, { outputs: unknown; status: StepStatus; request_id: string }> = {};
  for (const [id, step] of Object.entries(opts.recorded)) {
    steps[id] = { outputs: step.outputs, status: step.status, request_id: step.request_id ?? "" };
  }
  const targets: UndoTarget[] = [];
  for (const step of wf.steps) {
    const recorded = opts.recorded[step.id];
    if (recorded === undefined || step.kind !== "action" || step.undo === undefined) continue;
    const left = opts.undo?.[step.id];
    if (opts.undo !== undefined) {
      if (left === "step") targets.push({ step, outputs: recorded.outputs });
      else if (left !== undefined && left.length > 0) {
        targets.push({ step, outputs: recorded.outputs, indexes: left });
      }
    } else if (recorded.status === "succeeded" || partlyDone(step, recorded.outputs)) {
      targets.push({ step: step as ActionStep, outputs: recorded.outputs });
    }
  }
  const env = undoEnv(opts, {
    emit,
    wf,
    vars: {
      inputs: opts.inputs,
      run: { id: opts.runId },
      env: opts.env ?? {},
      steps,
      now: new Date(opts.nowMs ?? opts.deps.now()),
    },
    observe: secretDeriver(secrets),
  });
  const results = await runUndo(targets.reverse(), env);
  await finishRollback(env, results);
  return redact(results);
}

/**
 * What a compensation of a recorded run works from: every recorded step's outputs (the scope
 * of the undo blocks; a `foreach` step's list is rebuilt from its journaled items, so a step
 * that failed part-way has the outputs of the items that succeeded) and what is left to undo
 * per step: succeeded steps and succeeded items whose undo has not succeeded yet. Failed and
 * uncertain steps and items are never undone.
 */
export function stepsToUndo(
  state: RunState,
): { recorded: Record<string, RecordedStep>; undo: Record<string, "step" | number[]> } {
  const recorded: Record<string, RecordedStep> = {};
  const undo: Record<string, "step" | number[]> = {};
  for (const step of state.steps) {
    const whenSkipped = step.status === "skipped" && step.skipReason === "when";
    if (step.status !== "succeeded" && !whenSkipped && step.itemRecords.length === 0) continue;
    const status = step.status === "succeeded" ? "succeeded" : whenSkipped ? "skipped" : "failed";
    recorded[step.id] = {
      status,
      outputs: step.itemRecords.length > 0 ? itemOutputs(step) : step.outputs,
      attempts: step.attempts,
      ...(step.requestId !== undefined ? { request_id: step.requestId } : {}),
    };
    const left = leftToUndo(step);
    if (left === "step" || left.length > 0) undo[step.id] = left;
  }
  return { recorded, undo };
}

/** A `foreach` step's outputs from its items: the response of each succeeded item, else null. */
function itemOutputs(step: StepRecord): unknown[] {
  const length = Math.max(step.items ?? 0, ...step.itemRecords.map((item) => item.index + 1));
  const outputs: unknown[] = Array.from({ length }, () => null);
  for (const item of step.itemRecords) {
    if (item.status === "succeeded") outputs[item.index] = item.outputs;
  }
  return outputs;
}
