/**
 * tcflow: typed YAML workflows of Tencent Cloud API actions, for Deno scripts and notebooks.
 *
 * Load a workflow (parse + type-check against the action catalog), then plan it: the exact
 * requests a run would send, with typed placeholders for outputs not known yet.
 *
 * @example
 * ```ts
 * import { loadWorkflowText, planWorkflow } from "./mod.ts";
 *
 * const { workflow, diagnostics } = loadWorkflowText(
 *   [
 *     "tcflow: 1",
 *     "name: topics",
 *     "region: ap-guangzhou",
 *     "steps:",
 *     "  - id: topics",
 *     "    action: trocket.DescribeTopicList",
 *     "    with: { InstanceId: rmq-72mo3a9o }",
 *   ].join("\n"),
 *   "topics.yaml",
 * );
 * if (workflow === undefined) throw new Error(diagnostics[0]?.message);
 * const plan = await planWorkflow(workflow, { inputs: {} });
 * console.log(plan.steps[0]?.requests); // [{ InstanceId: "rmq-72mo3a9o" }]
 * ```
 *
 * @module
 */

// Workflows: parse → validate → plan.
export { type LoadResult, loadWorkflowFile, loadWorkflowText } from "./lib/workflow/load.ts";
export { type ParseResult, parseWorkflow } from "./lib/workflow/parse.ts";
export { type ValidateOptions, validateWorkflow } from "./lib/workflow/validate.ts";
export { formatDiagnostic } from "./lib/workflow/snippet.ts";
export {
  type LiveReadCall,
  type Plan,
  type PlannedStep,
  type PlanOptions,
  planWorkflow,
} from "./lib/workflow/plan.ts";
export { formatPlan } from "./lib/workflow/plan_format.ts";
export { workflowJsonSchema } from "./lib/workflow/json_schema.ts";
export type { Diagnostic, DiagnosticCode } from "./lib/workflow/diagnostic.ts";
export type { Step, Workflow } from "./lib/workflow/model.ts";

// Expressions.
export { evaluateExpr, ExprError, Placeholder } from "./lib/expr/evaluate.ts";

// The typed action catalog.
export { findAction, searchActions, serviceVersion } from "./lib/catalog/catalog.ts";
export type { ActionSpec, Field, ServiceVersion, Structure } from "./lib/catalog/types.ts";

// Signing.
export {
  type Credential,
  signTc3,
  type Tc3Request,
  verifyTencentRequest,
} from "./lib/tencent/signer.ts";
export { signHuawei } from "./lib/huawei/signer.ts";

// Lossless JSON (64-bit integers as bigint).
export { parseJson, stringifyJson } from "./lib/json.ts";
