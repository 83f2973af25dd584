/**
 * Command-line flags: a thin wrapper over `node:util`'s `parseArgs` that turns its errors into
 * {@link UsageError}s (exit 2) with a "did you mean" for misspelt flags.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { suggest } from "../catalog/suggest.ts";
import { UsageError } from "./context.ts";

/** A flag: boolean, or taking a value; `multiple` collects repeats into a list. */
export interface FlagSpec {
  type: "boolean" | "string";
  multiple?: boolean;
  short?: string;
}

/** Flags every command accepts (PRODUCT.md section 10). */
export const COMMON_FLAGS = {
  input: { type: "string", multiple: true },
  inputs: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "state-dir": { type: "string" },
  store: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, FlagSpec>;

/** The parsed command line: flag values by name, and the positional arguments. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `args` for `command` with the given flags (plus {@link COMMON_FLAGS}).
 *
 * @throws {UsageError} on an unknown flag, a missing value or a value given to a boolean flag.
 */
export function parseCommandArgs(
  command: string,
  args: string[],
  flags: Record<string, FlagSpec>,
): ParsedArgs {
  const options = { ...COMMON_FLAGS, ...flags };
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { flags: values as ParsedArgs["flags"], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const hint = suggest(unknown.replace(/^-+/, ""), Object.keys(options));
      throw new UsageError(
        `${command}: unknown flag ${unknown}${hint ? `; did you mean --${hint}?` : ""}`,
      );
    }
    throw new UsageError(`${command}: ${message.replace(/\. To specify.*$/s, "")}`);
  }
}

/** The last value of a string flag (a repeated single flag keeps the last). */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.flags[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === "string" ? value : undefined;
}

/** Every value of a repeatable flag. */
export function listFlag(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.flags[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

/** Whether a boolean flag is set. */
export function boolFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags[name] === true;
}
