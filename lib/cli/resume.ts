/**
 * `tcflow resume <run-id>`: continues a failed or interrupted run under the same run id.
 *
 * Finished steps are not sent again: their recorded outputs are used. Steps that failed, or
 * were not reached, run. A step that was in flight when the process stopped runs again only
 * when that is safe (PRODUCT.md section 5): a read, a `set`/`assert`, or a mutating action that
 * takes a `ClientToken` — the same run id gives the same tokens, so the cloud applies it once.
 * Otherwise it is recorded `uncertain` and nothing is sent: the user checks whether it was
 * applied, then resumes with `--retry-uncertain` to send it again. A `foreach` step is resumed
 * item by item from its journaled items (PRODUCT.md section 13).
 *
 * @module
 */
import { findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import { isMutating } from "../engine/call.ts";
import { type ErrorInfo, type RunSink, teeSink } from "../journal/events.ts";
import { runWorkflow } from "../engine/executor.ts";
import { stringifyJson } from "../json.ts";
import { recordedSteps, replay, resumeState } from "../journal/replay.ts";
import type { JournalStore } from "../journal/store.ts";
import type { Workflow } from "../workflow/model.ts";
import { outputFlags, parseOneTarget } from "./_command.ts";
import { CONNECT_FLAGS, runExitCode, targetFlags } from "./_connect.ts";
import { loadRecordedRun, openStore, rateLimiterOf, readRun, reopenRun } from "./_journal.ts";
import { expiredValues } from "./_lifetimes.ts";
import { formatSummary } from "./_progress.ts";
import { boolFlag } from "./args.ts";
import { type CliContext, type Command, EXIT } from "./context.ts";

/** Text of `tcflow resume --help`. */
export const RESUME_USAGE =
  `Usage: tcflow resume <run-id> [--input secret=value]… [--retry-uncertain] [--state-dir DIR]
                     [--emulator | --endpoint-url URL] [--regional-endpoints] [--region R]
                     [--profile P] [--json] [--quiet] [--no-color]

Continues a failed or interrupted run with the same run id and inputs, using the workflow
as recorded when the run started. Finished steps are not sent again (their recorded outputs
are used); failed and unreached steps run. A step that was in flight when the run stopped is
sent again only when that is safe (a read, or an action with a ClientToken, which is reused);
otherwise it is reported uncertain: check whether it was applied, then resume with
--retry-uncertain to send it again. A value it would reuse past the lifetime its
documentation gives (a ClientToken of emr, 5 min; a paging Context; a signed URL) is
warned W_EXPIRED. A foreach step goes item by item: succeeded items are
not sent again, failed and never-started ones are, and an item in flight at the stop is
uncertain like a step (--retry-uncertain sends only the uncertain items). Secret inputs were never journaled: give them again with
--input. Exit codes as for run: 0 succeeded, 1 failed, 2 invalid, 3 credentials.
`;

const RESUME_FLAGS = { ...CONNECT_FLAGS, "retry-uncertain": { type: "boolean" } } as const;

/** Why an in-flight step cannot be sent again, or `undefined` when it can. */
export function unsafeToRetry(wf: Workflow, stepId: string): string | undefined {
  const step = wf.steps.find((s) => s.id === stepId);
  // A `foreach` step is decided item by item (its items are journaled).
  if (step === undefined || step.kind !== "action" || step.foreach !== undefined) return undefined;
  const { service, action } = step.action;
  const spec = findActionAnyCloud(serviceOfRef(step.action), action, step.version);
  if (!isMutating({ action, spec })) return undefined;
  if (spec?.clientToken === true) return undefined;
  return `${service}.${action} changes resources and takes no ClientToken`;
}

/** `tcflow resume`. */
export const resumeCommand: Command = async (args, ctx) => {
  const command = parseOneTarget(args, ctx, {
    command: "resume",
    flags: RESUME_FLAGS,
    usage: RESUME_USAGE,
    missing: "the run id",
    unit: "run",
  });
  if (command === undefined) return EXIT.ok;
  const { parsed, target: runId } = command;
  const output = outputFlags(parsed, ctx);
  const { json, quiet, color } = output;

  const store = await openStore(parsed, ctx);
  try {
    return await withStore(store);
  } finally {
    await store.end?.();
  }

  async function withStore(store: JournalStore): Promise<number> {
    const first = await readRun(store, runId, "resume");
    const firstState = replay(first.events, first.meta);
    if (firstState.status === "succeeded") return alreadySucceeded(firstState.outputs);
    const run = await loadRecordedRun(first, parsed, ctx, "resume", { store });
    const reopened = await reopenRun({
      store,
      runId,
      record: first,
      run,
      parsed,
      ctx,
      output,
      command: "resume",
    });
    if (reopened === undefined) return EXIT.failed;
    const { connection, region, secrets } = reopened;
    try {
      // Read again under the writer lock: another process may have resumed the run meanwhile.
      const record = await store.read(runId);
      const state = replay(record.events, record.meta);
      if (state.status === "succeeded") return alreadySucceeded(state.outputs);
      const resume = resumeState(state);
      const retryUncertain = boolFlag(parsed, "retry-uncertain");
      const blocked = new Map<string, string>();
      for (const id of resume.inFlight) {
        const why = unsafeToRetry(run.workflow, id);
        if (why !== undefined && !retryUncertain) blocked.set(id, why);
      }
      const stillUncertain = retryUncertain ? [] : resume.uncertain;

      const sink = teeSink(...reopened.sinks);
      if (blocked.size > 0 || stillUncertain.length > 0) {
        const flags = targetFlags(connection.target, parsed);
        return await refuse({
          ctx,
          sink,
          runId,
          blocked,
          uncertain: stillUncertain,
          state,
          json,
          flags,
        });
      }
      for (const line of expiredValues(run.workflow, state, resume, ctx.deps.now())) {
        ctx.io.stderr(`warning W_EXPIRED: ${line}\n`);
      }
      if (!quiet) {
        const reused = resume.completed.size;
        ctx.io.stderr(
          `resuming run ${runId}: ${reused} finished step${reused === 1 ? "" : "s"} reused\n`,
        );
      }
      const startMs = ctx.deps.now();
      const result = await runWorkflow(run.workflow, {
        inputs: run.inputs,
        deps: connection.deps,
        client: connection.client,
        rateLimiter: await rateLimiterOf(store, connection, parsed),
        sink,
        runId,
        env: run.env,
        secrets,
        resume: recordedSteps(resume),
        resumeItems: Object.fromEntries(resume.items),
        resumePolls: Object.fromEntries(resume.polls),
        resumePages: Object.fromEntries(resume.pages),
        retryUncertain,
        nowMs: record.meta.startedMs,
        ...(region !== undefined ? { region } : {}),
      });
      ctx.io.stderr(formatSummary(result, ctx.deps.now() - startMs, color));
      if (json) ctx.io.stdout(stringifyJson(result, 2) + "\n");
      return runExitCode(result.status, result.steps);
    } finally {
      connection.close();
      await store.close(runId);
    }
  }
  function alreadySucceeded(outputs: Record<string, unknown>): number {
    ctx.io.stderr(`run ${runId} already succeeded; nothing to resume\n`);
    if (json) {
      ctx.io.stdout(
        stringifyJson({ run_id: runId, status: "succeeded", outputs, steps: [] }, 2) + "\n",
      );
    }
    return EXIT.ok;
  }
};

/**
 * Steps that cannot safely run: the in-flight ones are recorded `uncertain` (so the journal
 * says what happened), the run is recorded failed, nothing is sent.
 */
export async function refuse(o: {
  ctx: CliContext;
  sink: RunSink;
  runId: string;
  blocked: Map<string, string>;
  uncertain: string[];
  state: ReturnType<typeof replay>;
  json: boolean;
  /** The target flags of the hints (see `targetFlags`), e.g. " --emulator". */
  flags?: string;
}): Promise<number> {
  const { ctx, sink, runId } = o;
  const now = ctx.deps.now();
  const steps: Array<
    { id: string; status: "uncertain"; attempts: number; outputs: null; error: ErrorInfo }
  > = [];
  for (const [stepId, why] of o.blocked) {
    const record = o.state.steps.find((s) => s.id === stepId);
    const error: ErrorInfo = {
      code: "E_INTERRUPTED",
      message:
        `the run stopped while ${stepId} was in flight, so it may have been applied; ${why}, ` +
        `so it is not sent again. Check whether it was applied, then run ` +
        `"tcflow resume ${runId} --retry-uncertain${o.flags ?? ""}" to send it again`,
    };
    await sink.append({
      type: "step-uncertain",
      timeMs: now,
      stepId,
      attempts: record?.attempts ?? 0,
      durationMs: record?.startedMs !== undefined ? Math.max(0, now - record.startedMs) : 0,
      requests: record?.requests ?? [],
      error,
    });
    steps.push({
      id: stepId,
      status: "uncertain",
      attempts: record?.attempts ?? 0,
      outputs: null,
      error,
    });
  }
  if (o.blocked.size > 0) {
    await sink.append({
      type: "run-finished",
      timeMs: now,
      runId,
      status: "failed",
      durationMs: Math.max(0, now - o.state.startedMs),
      outputs: o.state.outputs,
    });
  }
  for (const stepId of o.uncertain) {
    const error = o.state.steps.find((s) => s.id === stepId)?.error;
    ctx.io.stderr(
      `${stepId} is uncertain${error ? ` (${error.code}: ${error.message})` : ""}.\n` +
        `  Check whether it was applied, then run "tcflow resume ${runId} --retry-uncertain${
          o.flags ?? ""
        }" to send it again.\n`,
    );
    steps.push({
      id: stepId,
      status: "uncertain",
      attempts: 0,
      outputs: null,
      error: error ?? { code: "E_UNCERTAIN", message: "outcome unknown" },
    });
  }
  ctx.io.stderr(
    `run ${runId} not resumed: ${steps.length} uncertain step${steps.length === 1 ? "" : "s"}\n`,
  );
  if (o.json) {
    const doc = {
      run_id: runId,
      status: "failed",
      outputs: o.state.outputs,
      steps: steps.map((s) => ({ ...s, error: { code: s.error.code, message: s.error.message } })),
    };
    ctx.io.stdout(stringifyJson(doc, 2) + "\n");
  }
  return EXIT.failed;
}
