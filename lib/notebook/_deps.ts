/**
 * What each cell reads: the inputs and the steps its expressions name (`inputs.X`,
 * `steps.Y…`), found with `exprPaths` over every expression of the step (`with`, `when`,
 * `foreach`, `until`, `region`, `set`, `assert`). `undo` blocks are left out: they do not change
 * what a cell shows.
 *
 * @module
 */
import { exprPaths } from "../expr/check.ts";
import type { Step, ValueNode, Workflow } from "../workflow/model.ts";

/** The direct reads of one step. */
export interface CellDeps {
  inputs: Set<string>;
  steps: Set<string>;
}

/** Direct dependencies of every step, by step id. */
export function directDeps(wf: Workflow): Map<string, CellDeps> {
  const out = new Map<string, CellDeps>();
  for (const step of wf.steps) {
    const deps: CellDeps = { inputs: new Set(), steps: new Set() };
    for (const node of nodesOf(step)) {
      for (const source of exprSources(node)) {
        for (const path of exprPaths(source)) {
          const [root, name] = path;
          if (name === undefined) continue;
          if (root === "inputs") deps.inputs.add(name);
          if (root === "steps" && name !== step.id) deps.steps.add(name);
        }
      }
    }
    out.set(step.id, deps);
  }
  return out;
}

/** The steps a step reads, directly or through the steps it reads, in workflow order. */
export function transitiveSteps(wf: Workflow, deps: Map<string, CellDeps>, id: string): string[] {
  const found = new Set<string>();
  const visit = (stepId: string) => {
    for (const dep of deps.get(stepId)?.steps ?? []) {
      if (!found.has(dep)) {
        found.add(dep);
        visit(dep);
      }
    }
  };
  visit(id);
  return wf.steps.map((s) => s.id).filter((stepId) => found.has(stepId));
}

function nodesOf(step: Step): ValueNode[] {
  const nodes: ValueNode[] = [];
  if (step.when !== undefined) nodes.push(step.when);
  if (step.kind === "action") {
    nodes.push(step.with);
    if (step.foreach !== undefined) nodes.push(step.foreach);
    if (step.until !== undefined) nodes.push(step.until);
    if (step.region !== undefined) nodes.push(step.region);
  } else if (step.kind === "set") {
    nodes.push(step.set);
  } else {
    nodes.push(step.assert);
  }
  return nodes;
}

function exprSources(node: ValueNode): string[] {
  switch (node.kind) {
    case "literal":
      return [];
    case "expr":
      return [node.expr.source];
    case "template":
      return node.parts.flatMap((part) => (typeof part === "string" ? [] : [part.source]));
    case "list":
      return node.items.flatMap(exprSources);
    case "map":
      return node.entries.flatMap((entry) => exprSources(entry.value));
  }
}
