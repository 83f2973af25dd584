/**
 * Loading a workflow file: read, parse and validate, with every problem as a diagnostic. The
 * `yaml` package is imported only for a file the fast YAML composer leaves (see
 * `_read_workflow.ts`); `load.ts` adds the synchronous {@link loadWorkflowText} and re-exports
 * this module.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { Workflow } from "./model.ts";
import { type ParseResult, readWorkflowLazily } from "./_read_workflow.ts";
import { validateWorkflow } from "./validate.ts";

/** What {@link loadWorkflowSource}, {@link loadWorkflowFile} and `loadWorkflowText` return. */
export interface LoadResult {
  /** The workflow, only when it has no errors (warnings are allowed). */
  workflow?: Workflow;
  /** Every problem: parse errors, then validation errors and warnings, in file order. */
  diagnostics: Diagnostic[];
  /** The file's text ("" when it cannot be read), for caret snippets. */
  source: string;
}

/**
 * Parses and validates the text of a workflow file. No I/O but the import of the `yaml`
 * package, when the file needs it.
 */
export async function loadWorkflowSource(source: string, file: string): Promise<LoadResult> {
  return completeLoad(await readWorkflowLazily(source, file), source);
}

/** Validates what the parser read (when it read a workflow) and sorts the diagnostics. */
export function completeLoad(parsed: ParseResult, source: string): LoadResult {
  const diagnostics = [...parsed.diagnostics];
  if (parsed.workflow !== undefined) {
    diagnostics.push(
      ...validateWorkflow(parsed.workflow, { brokenStepIds: parsed.brokenStepIds }),
    );
  }
  sortDiagnostics(diagnostics);
  const failed = diagnostics.some((d) => d.severity === "error");
  return failed || parsed.workflow === undefined
    ? { diagnostics, source }
    : { workflow: parsed.workflow, diagnostics, source };
}

/**
 * Reads, parses and validates a workflow file. A file that cannot be read is an `E_FILE`
 * diagnostic, never an exception.
 */
export async function loadWorkflowFile(path: string): Promise<LoadResult> {
  let source: string;
  try {
    source = await readWorkflowSource(path);
  } catch (error) {
    return { diagnostics: [fileDiagnostic(path, error)], source: "" };
  }
  return await loadWorkflowSource(source, path);
}

/** A workflow file whose bytes are not UTF-8 (it is refused, never decoded lossily). */
export class NotUtf8Error extends Error {
  override name = "NotUtf8Error";
}

/**
 * Reads the text of a workflow file, decoded as strict UTF-8 (a leading byte-order mark is
 * dropped).
 *
 * @throws {NotUtf8Error} when the bytes are not UTF-8
 * @throws {Deno.errors.NotFound} (and the other `Deno.readFile` errors)
 */
export async function readWorkflowSource(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new NotUtf8Error(`${path} is not UTF-8 text`);
  }
}

/** The `E_FILE` diagnostic of a file that cannot be read. */
export function fileDiagnostic(path: string, error: unknown): Diagnostic {
  let reason = "cannot be read";
  if (error instanceof Deno.errors.NotFound) reason = "does not exist";
  else if (error instanceof Deno.errors.PermissionDenied) {
    reason = "cannot be read (permission denied)";
  } else if (error instanceof Deno.errors.IsADirectory) reason = "is a directory";
  else if (
    error instanceof NotUtf8Error || error instanceof TypeError ||
    error instanceof Error && /utf-?8|decode/i.test(error.message)
  ) {
    reason = "is not UTF-8 text";
  }
  return {
    code: "E_FILE",
    message: `the workflow file ${reason}`,
    file: path,
    line: 1,
    column: 1,
    severity: "error",
    length: 1,
  };
}

/** Orders diagnostics by position (stable for equal positions). */
function sortDiagnostics(diagnostics: Diagnostic[]): void {
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}
