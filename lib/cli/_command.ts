/**
 * What the commands share around their arguments: the one positional argument, the output
 * flags, paths relative to the working directory and the workflow's `env:` allow-list.
 *
 * @module
 */
import type { Workflow } from "../workflow/model.ts";
import { boolFlag, type FlagSpec, parseCommandArgs, type ParsedArgs } from "./args.ts";
import { type CliContext, UsageError } from "./context.ts";

/** The command line of a command that takes one positional argument. */
export interface OneTargetArgs {
  parsed: ParsedArgs;
  /** The positional argument: a workflow file, a run id. */
  target: string;
}

/**
 * Parses the arguments of a command that takes one positional argument (a workflow file, a run
 * id). With `--help`, prints the usage on stdout and returns `undefined` (exit 0).
 *
 * @throws {UsageError} a bad flag, the argument is missing (with the usage text), or there are
 *   more than one
 */
export function parseOneTarget(args: string[], ctx: CliContext, o: {
  /** The command's name, e.g. `run`. */
  command: string;
  /** The command's own flags (the common ones are added). */
  flags: Record<string, FlagSpec>;
  /** The command's `--help` text. */
  usage: string;
  /** What is missing, e.g. `the workflow file`. */
  missing: string;
  /** What there is one of at a time, e.g. `workflow`. */
  unit: string;
}): OneTargetArgs | undefined {
  const parsed = parseCommandArgs(o.command, args, o.flags);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(o.usage);
    return undefined;
  }
  const [target, ...extra] = parsed.positionals;
  if (target === undefined) throw new UsageError(`${o.command}: missing ${o.missing}\n${o.usage}`);
  if (extra.length > 0) {
    throw new UsageError(
      `${o.command}: one ${o.unit} at a time (got ${parsed.positionals.length})`,
    );
  }
  return { parsed, target };
}

/** The output flags of a command that reports progress. */
export interface OutputFlags {
  /** `--json`: machine output on stdout. */
  json: boolean;
  /** `--quiet`: no progress. */
  quiet: boolean;
  /** Colors: a terminal, neither `--no-color`, `--json` nor `NO_COLOR`. */
  color: boolean;
}

/** Reads `--json`, `--quiet` and whether to color the output. */
export function outputFlags(parsed: ParsedArgs, ctx: CliContext): OutputFlags {
  const json = boolFlag(parsed, "json");
  const quiet = boolFlag(parsed, "quiet");
  const color = !boolFlag(parsed, "no-color") && !json && ctx.io.isTerminal &&
    ctx.env("NO_COLOR") === undefined;
  return { json, quiet, color };
}

/** `path` made absolute against the working directory `cwd` (an absolute path is kept). */
export function resolvePath(cwd: string, path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)
    ? path
    : `${cwd.replace(/\/+$/, "")}/${path}`;
}

/** The values of the environment variables the workflow's `env:` allow-list names. */
export function allowedEnv(wf: Workflow, ctx: CliContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of wf.env) {
    const value = ctx.env(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * The workflow with `--region` in place of its `region:` (PRODUCT.md section 16: the flag
 * overrides the file's region, not a step's own `region:`).
 *
 * @throws {UsageError} a `--region` that is not a region name
 */
export function overrideRegion<W extends { region?: string | undefined }>(
  wf: W,
  parsed: ParsedArgs,
): W {
  const flag = parsed.flags.region;
  if (typeof flag !== "string") return wf;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(flag)) {
    throw new UsageError(
      `--region must be a region name like ap-guangzhou, got ${JSON.stringify(flag)}`,
    );
  }
  return { ...wf, region: flag };
}
