/**
 * `tcflow plan <workflow> [--live-reads] [--json]`: the dry run of PRODUCT.md section 6.
 * Validates, then prints each step with the exact JSON body it would send. No request is sent
 * (with `--live-reads`, read-only actions are executed, mutating ones never are).
 *
 * @module
 */
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { allowedEnv, overrideRegion, parseOneTarget, resolvePath } from "./_command.ts";
import { printPlan } from "./_plan.ts";
import { boolFlag, listFlag, stringFlag } from "./args.ts";
import { type Command, EXIT } from "./context.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";

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
  const command = parseOneTarget(args, ctx, {
    command: "plan",
    flags: PLAN_FLAGS,
    usage: PLAN_USAGE,
    missing: "the workflow file",
    unit: "workflow",
  });
  if (command === undefined) return EXIT.ok;
  const { parsed, target: file } = command;
  const color = !boolFlag(parsed, "no-color") && !boolFlag(parsed, "json") && ctx.io.isTerminal &&
    ctx.env("NO_COLOR") === undefined;

  // Relative to where the user typed the command (PRODUCT.md section 16), shown as typed.
  const path = resolvePath(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of loaded.diagnostics) {
      const shown = { ...d, file: d.file === path ? file : d.file };
      ctx.io.stderr(formatDiagnostic(shown, loaded.source, { color }) + "\n");
    }
    ctx.io.stderr(`${file}: ${errors.length} error(s); nothing planned.\n`);
    return EXIT.invalid;
  }
  const wf = overrideRegion(loaded.workflow, parsed);
  const inputsFile = stringFlag(parsed, "inputs");
  const inputs = parseInputFlags(
    listFlag(parsed, "input"),
    inputsFile === undefined ? undefined : resolvePath(ctx.cwd, inputsFile),
    wf.inputs,
  );
  return await printPlan(wf, {
    inputs,
    secrets: secretValues(inputs, wf.inputs),
    env: allowedEnv(wf, ctx),
    parsed,
    ctx,
    json: boolFlag(parsed, "json"),
    color,
    file,
  });
};
