/**
 * `tcflow submit <workflow> --store postgres://…`: validates the workflow and queues a run for
 * the workers (`tcflow worker`). Prints the run id (`--json`: `{"run_id", "status": "queued"}`);
 * `--wait` waits for the run to finish and then behaves like `run` (the same `--json` document,
 * exit 0 or 1).
 *
 * @module
 */
import type { ItemResult, StepResult } from "../engine/executor.ts";
import { PgJournalStore } from "../journal/pg_store.ts";
import { replay, type RunState, type StepRecord } from "../journal/replay.ts";
import { newRunId } from "../journal/run_id.ts";
import { runMeta } from "../journal/store.ts";
import { stringifyJson } from "../json.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { outputFlags, parseOneTarget, resolvePath } from "./_command.ts";
import { storeUrlOf } from "./_journal.ts";
import { boolFlag, listFlag, stringFlag } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";
import { parseInputFlags } from "../workflow/inputs.ts";
import { readSealKey, SEAL_KEY_ENV, sealInputs } from "../journal/sealed_inputs.ts";

/** Text of `tcflow submit --help`. */
export const SUBMIT_USAGE =
  `Usage: tcflow submit <workflow> --store postgres://USER:PASS@HOST:PORT/DB [--input name=value]…
                     [--inputs file] [--region R] [--wait] [--json] [--quiet]

Validates the workflow and queues a run of it in the database; "tcflow worker" processes
run it. Prints the run id (--json: {"run_id", "status": "queued"}). --wait waits until the
run is finished and then prints what "tcflow run" prints (--json: the run document), exit 0
when it succeeded, 1 when it failed.

Secret inputs (secret: true) are sealed (AES-256-GCM) with the key in env TCFLOW_SEAL_KEY,
32 random bytes in base64 (make one with: openssl rand -base64 32): the database keeps only
the ciphertext, and only a worker with the same TCFLOW_SEAL_KEY takes the run. Without a key,
run such a workflow with "tcflow run <workflow> --store …", journaled in the same database.
`;

const SUBMIT_FLAGS = { wait: { type: "boolean" } } as const;

/** How often `--wait` looks at the run. */
const WAIT_POLL_MS = 250;

/** `tcflow submit`. */
export const submitCommand: Command = async (args, ctx) => {
  const command = parseOneTarget(args, ctx, {
    command: "submit",
    flags: SUBMIT_FLAGS,
    usage: SUBMIT_USAGE,
    missing: "the workflow file",
    unit: "workflow",
  });
  if (command === undefined) return EXIT.ok;
  const { parsed, target: file } = command;
  const { json, quiet, color } = outputFlags(parsed, ctx);
  const url = storeUrlOf(parsed, ctx);
  if (url === undefined) {
    throw new UsageError("submit: needs --store postgres://… (or env TCFLOW_STORE)");
  }
  const path = resolvePath(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of errors) {
      const shown = { ...d, file: d.file === path ? file : d.file };
      ctx.io.stderr(formatDiagnostic(shown, loaded.source, { color }) + "\n");
    }
    ctx.io.stderr(
      `${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was queued.\n`,
    );
    return EXIT.invalid;
  }
  const wf = loaded.workflow;
  const inputsFile = stringFlag(parsed, "inputs");
  const inputs = parseInputFlags(
    listFlag(parsed, "input"),
    inputsFile === undefined ? undefined : resolvePath(ctx.cwd, inputsFile),
    wf.inputs,
  );
  const secrets = wf.inputs.filter((decl) => decl.secret && Object.hasOwn(inputs, decl.name));
  const sealKey = await readSealKey(ctx.env(SEAL_KEY_ENV));
  const secret = secrets[0];
  if (secret !== undefined && sealKey === undefined) {
    throw new UsageError(
      `submit: --input ${secret.name} is a secret input: a queued run keeps it only sealed ` +
        `for the workers, and ${SEAL_KEY_ENV} is not set. Set it to the same key on this ` +
        `submitter and on the workers (32 random bytes in base64: openssl rand -base64 32). ` +
        `Or run it here instead, journaled in the same database: tcflow run ${
          parsed.positionals[0]
        } --store … --input ${secret.name}=… (and resume <run-id> --input ${secret.name}=…)`,
    );
  }
  const region = stringFlag(parsed, "region") ?? (ctx.env("TENCENTCLOUD_REGION") || undefined);
  const store = await PgJournalStore.connect(url, { max: 1 });
  try {
    const runId = newRunId(ctx.deps);
    // The secret inputs leave this process sealed, bound to the run id and their names.
    const sealed = secrets.length > 0 && sealKey !== undefined
      ? await sealInputs(
        sealKey,
        runId,
        Object.fromEntries(secrets.map((decl) => [decl.name, inputs[decl.name]])),
      )
      : undefined;
    await store.enqueue(
      await runMeta({
        runId,
        workflow: wf,
        inputs,
        startedMs: ctx.deps.now(),
        cwd: ctx.cwd,
        ...(region !== undefined ? { region } : {}),
      }),
      sealed,
    );
    if (!boolFlag(parsed, "wait")) {
      if (json) ctx.io.stdout(stringifyJson({ run_id: runId, status: "queued" }, 2) + "\n");
      else ctx.io.stdout(`${runId}\n`);
      if (!quiet) ctx.io.stderr(`queued run ${runId} (${wf.name}) in ${store.location}\n`);
      return EXIT.ok;
    }
    if (!quiet) ctx.io.stderr(`queued run ${runId} (${wf.name}); waiting for a worker\n`);
    let status = await store.statusOf(runId);
    while (status === "queued" || status === "running") {
      await ctx.deps.sleep(WAIT_POLL_MS);
      status = await store.statusOf(runId);
    }
    const record = await store.read(runId);
    const state = replay(record.events, record.meta);
    const doc = runDocument(runId, state);
    if (!quiet) {
      const why = state.error !== undefined ? ` (${state.error.code}: ${state.error.message})` : "";
      ctx.io.stderr(`run ${runId} ${doc.status}${why}\n`);
    }
    if (json) ctx.io.stdout(stringifyJson(doc, 2) + "\n");
    return doc.status === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    await store.end();
  }
};

/**
 * A `foreach` step's `items` as `run --json` shows them, from its journaled items: one per
 * index, `skipped` for an item never started, `uncertain` for one still in flight.
 */
function itemsOf(step: StepRecord, count: number): ItemResult[] {
  const byIndex = new Map(step.itemRecords.map((item) => [item.index, item]));
  return Array.from({ length: count }, (_, index): ItemResult => {
    const item = byIndex.get(index);
    if (item === undefined) return { index, status: "skipped", attempts: 0 };
    const status = item.status === "running" ? "uncertain" : item.status;
    return {
      index,
      status,
      attempts: item.attempts,
      ...(item.error !== undefined
        ? { error: { code: item.error.code, message: `item ${index}: ${item.error.message}` } }
        : {}),
    };
  });
}

/**
 * The `run --json` document of a finished run, from its journal. A run that failed for a reason
 * of its own, before or outside any step (its sealed inputs did not open: `E_SEALED_INPUT`),
 * carries it as `error`, as `run --json` does for `E_STORAGE`.
 */
export function runDocument(runId: string, state: RunState) {
  const steps: StepResult[] = state.steps.map((step) => ({
    id: step.id,
    status: step.status === "pending" || step.status === "running" ? "skipped" : step.status,
    attempts: step.attempts,
    // A `foreach` step that failed part-way: the outputs of its items that succeeded.
    outputs: step.items !== undefined && (step.status === "failed" || step.status === "uncertain")
      ? Array.from(
        { length: step.items },
        (_, index) =>
          step.itemRecords.find((item) => item.index === index && item.status === "succeeded")
            ?.outputs ?? null,
      )
      : step.outputs ?? null,
    ...(step.error !== undefined
      ? { error: { code: step.error.code, message: step.error.message } }
      : {}),
    ...(step.items !== undefined ? { items: itemsOf(step, step.items) } : {}),
  }));
  return {
    run_id: runId,
    status: state.status === "succeeded" || state.status === "rolled_back" ||
        state.status === "uncertain"
      ? state.status
      : "failed" as const,
    outputs: state.outputs,
    steps,
    ...(state.error !== undefined && !steps.some((step) => step.error !== undefined)
      ? { error: { code: state.error.code, message: state.error.message } }
      : {}),
  };
}
