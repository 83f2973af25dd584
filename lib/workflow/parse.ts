/**
 * Parses a workflow file (YAML, format version 1) into the model of `model.ts`, keeping the
 * source position of every node, and reports every structural problem at once
 * (`_read_workflow.ts`).
 *
 * YAML is read safely: files over 2 MB, more than 100 aliases, values nested deeper than 64
 * levels, duplicate keys, custom tags and multiple documents are `E_YAML` errors.
 *
 * @module
 */
import { composeDocument } from "./_yaml_document.ts";
import { type ParseResult, readWorkflow } from "./_read_workflow.ts";

export { MAX_SOURCE_BYTES, type ParseResult } from "./_read_workflow.ts";
export { RETRY_BOUNDS } from "./_fields.ts";
export { MAX_CONCURRENCY } from "./_steps.ts";
export { DEFAULT_POLL, DEFAULT_RETRY } from "./defaults.ts";

/**
 * Parses the text of a workflow file. Never throws: every problem is a diagnostic.
 *
 * @example
 * ```ts
 * import { parseWorkflow } from "./parse.ts";
 * const { workflow, diagnostics } = parseWorkflow("tcflow: 1\nname: x\nsteps: []\n", "x.yaml");
 * ```
 */
export function parseWorkflow(source: string, file: string): ParseResult {
  return readWorkflow(source, file, composeDocument);
}
