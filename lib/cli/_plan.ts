/**
 * Planning a loaded workflow and printing the plan: `tcflow plan` and `tcflow run --dry-run`.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import type { Workflow } from "../workflow/model.ts";
import { type PlanOptions, planWorkflow } from "../workflow/plan.ts";
import { formatPlan } from "../workflow/plan_format.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, EXIT } from "./context.ts";

/**
 * Plans `wf` (with `--region`, else `TENCENTCLOUD_REGION`, and the read-only caller of
 * `--live-reads`) and prints the plan on stdout: JSON with `json`, else text.
 *
 * @returns the exit code (0)
 */
export async function printPlan(wf: Workflow, o: {
  inputs: Record<string, unknown>;
  /** Values of secret inputs, for redaction. */
  secrets: string[];
  env: Record<string, string>;
  parsed: ParsedArgs;
  ctx: CliContext;
  json: boolean;
  color: boolean;
  /** The workflow file as given on the command line. */
  file: string;
}): Promise<number> {
  const options: PlanOptions = { inputs: o.inputs, secrets: o.secrets, env: o.env };
  const region = stringFlag(o.parsed, "region") ?? o.ctx.env("TENCENTCLOUD_REGION");
  if (region !== undefined) options.region = region;
  if (boolFlag(o.parsed, "live-reads")) {
    // The engine's client, loaded only when it is needed.
    const { liveReadCaller } = await import("./live_reads.ts");
    options.liveReads = await liveReadCaller(o.parsed, o.ctx, wf);
  }
  const plan = await planWorkflow(wf, options);
  if (o.json) o.ctx.io.stdout(stringifyJson(plan, 2) + "\n");
  else o.ctx.io.stdout(formatPlan(plan, { color: o.color, file: o.file }));
  return EXIT.ok;
}
