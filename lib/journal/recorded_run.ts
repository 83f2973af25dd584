/**
 * A recorded run made ready to run again (`resume`, `rollback`, the notebooks): the workflow as
 * recorded at the start of the run, its recorded inputs and the secret inputs given again.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";
import { loadWorkflowText } from "../workflow/load.ts";
import type { InputDecl, Workflow } from "../workflow/model.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { type RunRecord, sha256Hex } from "./store.ts";

/** A recorded run made ready to run again. */
export interface RecordedRun {
  workflow: Workflow;
  /** The recorded inputs, with the secret inputs given again on the command line. */
  inputs: Record<string, unknown>;
  /** Values of secret inputs, for redaction. */
  inputSecrets: string[];
  /** Values of the workflow's `env:` allow-list. */
  env: Record<string, string>;
}

/** Options of {@link recordedRun}. */
export interface RecordedRunOptions {
  /** The command, for messages (`resume`, `notebook` …). */
  command: string;
  /** `name=value` of the secret inputs, given again (`--input`). */
  inputFlags: string[];
  /** An inputs file (`--inputs`): refused, a run keeps its inputs. */
  inputsFile?: string | undefined;
  /** No note when the workflow file changed since the run started. */
  quiet?: boolean | undefined;
  /** Where notes and diagnostics go. */
  stderr: (text: string) => void;
  /** Reads an environment variable (the workflow's `env:` allow-list). */
  env: (name: string) => string | undefined;
  /**
   * Values of secret inputs opened from the store (a submitted run's sealed inputs); an
   * `--input` given again wins.
   */
  sealed?: Record<string, unknown> | undefined;
  /** Added to the message of a missing secret input (how else to give it). */
  missingHint?: string | undefined;
}

/**
 * Loads the workflow recorded in a run's journal (its text at the start of the run, even if the
 * file changed since; a note says so) and rebuilds its inputs: the recorded values, plus the
 * secret inputs, which were never journaled and must be given again with `--input`.
 *
 * @throws {UsageError} the recorded workflow no longer validates (the catalog changed), a
 *   missing secret input, or `--input` for a non-secret input
 */
export async function recordedRun(
  record: RunRecord,
  options: RecordedRunOptions,
): Promise<RecordedRun> {
  const { command } = options;
  const { meta } = record;
  const loaded = loadWorkflowText(meta.workflowSource, meta.file);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of errors) options.stderr(formatDiagnostic(d, loaded.source) + "\n");
    throw new UsageError(
      `${command}: the workflow recorded for run ${meta.runId} no longer validates (${errors.length} error${
        errors.length === 1 ? "" : "s"
      })`,
    );
  }
  const workflow = loaded.workflow;
  if (!options.quiet) await noteChangedFile(meta.file, meta.workflowSha256, options.stderr);

  const secretNames = new Set(meta.secretInputNames);
  const flags = options.inputFlags;
  for (const flag of flags) {
    const name = flag.slice(0, Math.max(0, flag.indexOf("="))).trim();
    if (name !== "" && !secretNames.has(name) && workflow.inputs.some((d) => d.name === name)) {
      const secrets = [...secretNames].map((n) => `\`${n}\``).join(", ") || "none";
      throw new UsageError(
        `${command}: --input ${name}: a run keeps the inputs it started with; only secret inputs are given again (${secrets})`,
      );
    }
  }
  if (options.inputsFile !== undefined) {
    throw new UsageError(
      `${command}: --inputs: a run keeps the inputs it started with; give secret inputs with --input`,
    );
  }
  const sealed = options.sealed ?? {};
  const decls: InputDecl[] = workflow.inputs
    .filter((decl) => secretNames.has(decl.name))
    .map((decl) => ({
      ...decl,
      required: decl.default === undefined && Object.hasOwn(meta.inputs, decl.name) &&
        !Object.hasOwn(sealed, decl.name),
    }));
  let given: Record<string, unknown>;
  try {
    given = parseInputFlags(flags, undefined, decls);
  } catch (error) {
    if (error instanceof UsageError && options.missingHint !== undefined) {
      throw new UsageError(`${error.message}${options.missingHint}`);
    }
    throw error;
  }
  for (const [name, value] of Object.entries(sealed)) {
    const flagged = flags.some((flag) => flag.slice(0, flag.indexOf("=")).trim() === name);
    if (secretNames.has(name) && !flagged) given[name] = value;
  }
  // The inputs of the latest session: a notebook `set` changes them after the run started.
  let recorded = meta.inputs;
  for (const event of record.events) {
    if (event.type === "run-started") recorded = event.inputs;
  }
  const inputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(recorded)) {
    if (!secretNames.has(name)) inputs[name] = value;
  }
  Object.assign(inputs, given);
  return {
    workflow,
    inputs,
    inputSecrets: secretValues(given, decls),
    env: allowedEnv(workflow, options.env),
  };
}

async function noteChangedFile(
  file: string,
  sha256: string,
  stderr: (text: string) => void,
): Promise<void> {
  let now: string;
  try {
    now = await Deno.readTextFile(file);
  } catch {
    stderr(`note: ${file} is gone; using the workflow as recorded when the run started\n`);
    return;
  }
  if ((await sha256Hex(now)) !== sha256) {
    stderr(
      `note: ${file} changed since the run started; using the workflow as recorded then\n`,
    );
  }
}

function allowedEnv(
  wf: Workflow,
  read: (name: string) => string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of wf.env) {
    const value = read(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
