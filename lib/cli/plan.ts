/**
 * `tcflow plan <workflow> [--live-reads] [--json]`: the dry run of PRODUCT.md section 6.
 * Validates, then prints each step with the exact JSON body it would send. No request is sent
 * (with `--live-reads`, read-only actions are executed, mutating ones never are).
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { type PlanOptions, planWorkflow } from "../workflow/plan.ts";
import { formatPlan } from "../workflow/plan_format.ts";
import type { Workflow } from "../workflow/model.ts";
import { boolFlag, listFlag, parseCommandArgs, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";
import { parseInputFlags, secretValues } from "./inputs.ts";

const PLAN_FLAGS = {
  "live-reads": { type: "boolean" },
  emulator: { type: "boolean" },
  "endpoint-url": { type: "string" },
  "regional-endpoints": { type: "boolean" },
} as const;

/** Text of `tcflow plan --help`. */
export const PLAN_USAGE =
  `Usage: tcflow plan <workflow> [--input name=value]… [--inputs file] [--region R]
                   [--live-reads [--emulator | --endpoint-url URL]] [--json]

Validates the workflow and prints every request it would send, without sending anything.
Outputs of steps that have not run are typed placeholders such as
<apigateway.CreateUsagePlan.Result.UsagePlanId>. With --live-reads, read-only actions
(Describe*, List*, Get*, …) are executed so later steps see real data; mutating ones never are.
`;

/** `tcflow plan`. */
export const planCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("plan", args, PLAN_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(PLAN_USAGE);
    return EXIT.ok;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError("plan: missing the workflow file\n" + PLAN_USAGE);
  if (extra.length > 0) {
    throw new UsageError(`plan: one workflow at a time (got ${parsed.positionals.length})`);
  }
  const color = !boolFlag(parsed, "no-color") && !boolFlag(parsed, "json") && ctx.io.isTerminal;

  const loaded = await loadWorkflowFile(file);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of loaded.diagnostics) {
      ctx.io.stderr(formatDiagnostic(d, loaded.source, { color }) + "\n");
    }
    ctx.io.stderr(`${file}: ${errors.length} error(s); nothing planned.\n`);
    return EXIT.invalid;
  }
  const wf = loaded.workflow;
  const inputs = parseInputFlags(
    listFlag(parsed, "input"),
    stringFlag(parsed, "inputs"),
    wf.inputs,
  );
  const options: PlanOptions = {
    inputs,
    secrets: secretValues(inputs, wf.inputs),
    env: allowedEnv(wf, ctx),
  };
  const region = stringFlag(parsed, "region") ?? ctx.env("TENCENTCLOUD_REGION");
  if (region !== undefined) options.region = region;
  if (boolFlag(parsed, "live-reads")) options.liveReads = await liveReads(parsed, ctx);

  const plan = await planWorkflow(wf, options);
  if (boolFlag(parsed, "json")) {
    ctx.io.stdout(stringifyJson(plan, 2) + "\n");
  } else {
    ctx.io.stdout(formatPlan(plan, { color, file }));
  }
  return EXIT.ok;
};

/** The values of the environment variables the workflow's `env:` allow-list names. */
function allowedEnv(wf: Workflow, ctx: CliContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of wf.env) {
    const value = ctx.env(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The read-only caller of `--live-reads`, built by the engine's client (loaded on demand). */
async function liveReads(
  parsed: ParsedArgs,
  ctx: CliContext,
): Promise<NonNullable<PlanOptions["liveReads"]>> {
  const { liveReadCaller } = await import("./live_reads.ts");
  return await liveReadCaller(parsed, ctx);
}
