/**
 * The names a workflow's author wrote: step ids, input names, the keys of every map in the file
 * (`with:` parameters, `set:` and `outputs:` names). Redaction never takes them for a secret's
 * text when they are keys of data (see `lib/redaction.ts`).
 *
 * @module
 */
import { findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import { catalogFieldNames } from "../catalog/credentials.ts";
import type { ValueNode, Workflow } from "./model.ts";

/**
 * Every name the author wrote in `wf`.
 *
 * @example
 * ```ts
 * import { authorNames } from "./names.ts";
 * import { loadWorkflowText } from "./load.ts";
 *
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n" +
 *     "  - id: plans\n    action: apigateway.CreateUsagePlan\n    with: { UsagePlanName: p }\n",
 *   "t.yaml",
 * );
 * console.log(authorNames(workflow!)); // Set { "plans", "UsagePlanName", … }
 * ```
 */
export function authorNames(wf: Pick<Workflow, "steps" | "inputs" | "outputs">): Set<string> {
  const names = new Set<string>();
  const keysOf = (node: ValueNode | undefined): void => {
    if (node === undefined) return;
    if (node.kind === "map") {
      for (const entry of node.entries) {
        names.add(entry.key);
        keysOf(entry.value);
      }
    } else if (node.kind === "list") node.items.forEach(keysOf);
  };
  for (const input of wf.inputs) names.add(input.name);
  for (const entry of wf.outputs) {
    names.add(entry.key);
    keysOf(entry.value);
  }
  for (const step of wf.steps) {
    names.add(step.id);
    if (step.kind === "set") keysOf(step.set);
    if (step.kind === "action") {
      keysOf(step.with);
      keysOf(step.undo?.with);
    }
  }
  return names;
}

/**
 * The names of a run that are never a secret's text: the author's ({@link authorNames}) and
 * the catalog's field names of every action (and undo action) the workflow calls.
 */
export function runNames(wf: Pick<Workflow, "steps" | "inputs" | "outputs">): Set<string> {
  const names = authorNames(wf);
  for (const step of wf.steps) {
    if (step.kind !== "action") continue;
    for (const call of step.undo === undefined ? [step] : [step, step.undo]) {
      const spec = findActionAnyCloud(serviceOfRef(call.action), call.action.action, call.version);
      for (const name of catalogFieldNames(spec)) names.add(name);
    }
  }
  return names;
}
