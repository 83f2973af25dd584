/**
 * Compensation of a recorded run (`tcflow rollback RUN_ID`): the `undo` blocks of its
 * succeeded steps, newest first.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import type { TencentClient } from "../tencent/client.ts";
import type { ActionStep, Workflow } from "../workflow/model.ts";
import { runUndo, type UndoResult, type UndoTarget } from "./_undo.ts";
import { redactor, type RunEvent, type RunSink, type StepStatus } from "./events.ts";
import { partlyDone, type RecordedStep } from "./executor.ts";
import type { RateLimiter } from "./rate_limiter.ts";

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
export interface RollbackOptions {
  /** The steps of the run to compensate, as recorded (only `succeeded` ones are undone). */
  recorded: Record<string, RecordedStep>;
  /** The run's inputs. */
  inputs: Record<string, unknown>;
  /** Time, randomness, sleeping and `fetch`. */
  deps: Deps;
  /** Sends the calls. */
  client: Pick<TencentClient, "call" | "secretId">;
  /** Paces calls. */
  rateLimiter: RateLimiter;
  /** Receives the `undo-*` events. */
  sink?: RunSink;
  /** The id of the run being rolled back (its `ClientToken`s derive from it). */
  runId: string;
  /** Region when neither the step nor the workflow gives one. */
  region?: string;
  /** Values of the workflow's `env:` allow-list. */
  env?: Record<string, string>;
  /** Values that must never appear in events. */
  secrets?: string[];
  /** Cancels the rollback. */
  signal?: AbortSignal;
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
  const redact = redactor(opts.secrets ?? []);
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
    if (recorded === undefined) continue;
    const succeeded = step.kind === "action" && step.undo !== undefined &&
      recorded.status === "succeeded";
    if (succeeded || partlyDone(step, recorded.outputs)) {
      targets.push({ step: step as ActionStep, outputs: recorded.outputs });
    }
  }
  const results = await runUndo(targets.reverse(), {
    deps: opts.deps,
    client: opts.client,
    rateLimiter: opts.rateLimiter,
    emit,
    signal: opts.signal,
    runId: opts.runId,
    defaultRegion: opts.region ?? "",
    wf,
    vars: { inputs: opts.inputs, run: { id: opts.runId }, env: opts.env ?? {}, steps },
  });
  return redact(results);
}
