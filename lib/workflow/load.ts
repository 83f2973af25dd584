/**
 * Loading a workflow: read, parse and validate, with every problem as a diagnostic. The
 * asynchronous loaders are in `load_file.ts` (re-exported here); this module adds the
 * synchronous {@link loadWorkflowText}, which has the `yaml` package loaded for the files that
 * need it.
 *
 * @module
 */
import { parseWorkflow } from "./parse.ts";
import { completeLoad, type LoadResult } from "./load_file.ts";

export * from "./load_file.ts";

/**
 * Parses and validates the text of a workflow file. No I/O.
 *
 * @example
 * ```ts
 * import { loadWorkflowText } from "./load.ts";
 * const { workflow, diagnostics } = loadWorkflowText("tcflow: 1\nname: x\nsteps: []\n", "x.yaml");
 * ```
 */
export function loadWorkflowText(source: string, file: string): LoadResult {
  return completeLoad(parseWorkflow(source, file), source);
}
