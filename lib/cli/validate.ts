/**
 * `tcflow validate <files or directories…> [--json] [--no-color] [--quiet]`: type-checks
 * workflows without sending anything (a directory stands for the `*.yaml`/`*.yml` files in
 * it). Exit code 2 when any file has an error (warnings alone pass).
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import type { Diagnostic } from "../workflow/diagnostic.ts";
import { suggest } from "../catalog/suggest.ts";
import { fileDiagnostic, loadWorkflowSource, readWorkflowSource } from "../workflow/load_file.ts";
import { formatDiagnostic, summaryLine } from "../workflow/snippet.ts";
import { type Command, EXIT, UsageError } from "./context.ts";

interface Options {
  files: string[];
  json: boolean;
  color: boolean;
  quiet: boolean;
}

/** The flags of `validate`, for "did you mean" hints. */
const FLAG_NAMES = ["json", "no-color", "quiet"];

const USAGE = "usage: tcflow validate <workflow.yaml>… [--json] [--no-color] [--quiet]";

function parseArgs(args: string[], colorDefault: boolean): Options {
  const options: Options = { files: [], json: false, color: colorDefault, quiet: false };
  let onlyFiles = false;
  for (const arg of args) {
    if (onlyFiles || !arg.startsWith("-") || arg === "-") {
      options.files.push(arg);
    } else if (arg === "--") {
      onlyFiles = true;
    } else if (arg === "--json") {
      options.json = true;
    } else if (arg === "--no-color") {
      options.color = false;
    } else if (arg === "--quiet" || arg === "-q") {
      options.quiet = true;
    } else {
      const name = arg.replace(/^-+/, "").replace(/=.*$/s, "");
      const hint = suggest(name, FLAG_NAMES);
      throw new UsageError(
        `validate: unknown flag ${arg}${hint ? `; did you mean --${hint}?` : ""}\n${USAGE}`,
      );
    }
  }
  if (options.files.length === 0) {
    throw new UsageError(`validate: no workflow file given\n${USAGE}`);
  }
  return options;
}

/** The path to read: relative paths are taken from the command's working directory. */
function resolvePath(cwd: string, path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ? path : `${cwd}/${path}`;
}

/**
 * Replaces each directory by the workflow files (`*.yaml`, `*.yml`) directly inside it, sorted.
 * Other paths are kept as given (a missing file is reported when it is read).
 */
async function expandDirectories(cwd: string, paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = (await Deno.stat(resolvePath(cwd, path))).isDirectory;
    } catch {
      // reported as E_FILE when read
    }
    if (!isDirectory) {
      out.push(path);
      continue;
    }
    const names: string[] = [];
    for await (const entry of Deno.readDir(resolvePath(cwd, path))) {
      if (entry.isFile && /\.ya?ml$/.test(entry.name)) names.push(entry.name);
    }
    if (names.length === 0) out.push(path); // reported: "is a directory"
    const base = path.endsWith("/") ? path : `${path}/`;
    out.push(...names.sort().map((name) => base + name));
  }
  return out;
}

/** The `validate` command. */
export const validateCommand: Command = async (args, ctx) => {
  const colorDefault = ctx.io.isTerminal && ctx.env("NO_COLOR") === undefined;
  const options = parseArgs(args, colorDefault);
  const human = options.json ? ctx.io.stderr : ctx.io.stdout;
  const all: Diagnostic[] = [];
  let errors = 0;
  let warnings = 0;
  const files = await expandDirectories(ctx.cwd, options.files);
  for (const file of files) {
    let source: string;
    let diagnostics: Diagnostic[];
    try {
      source = await readWorkflowSource(resolvePath(ctx.cwd, file));
      diagnostics = (await loadWorkflowSource(source, file)).diagnostics;
    } catch (error) {
      source = "";
      diagnostics = [fileDiagnostic(file, error)];
    }
    all.push(...diagnostics);
    const fileErrors = diagnostics.filter((d) => d.severity === "error").length;
    errors += fileErrors;
    warnings += diagnostics.length - fileErrors;
    if (!options.json) {
      for (const d of diagnostics) {
        human(formatDiagnostic(d, source, { color: options.color }) + "\n");
      }
      if (fileErrors === 0 && !options.quiet) human(`✓ ${file} is valid\n`);
    }
  }
  if (options.json) {
    ctx.io.stdout(
      stringifyJson(
        {
          valid: errors === 0,
          diagnostics: all.map((d) => ({
            code: d.code,
            message: d.message,
            file: d.file,
            line: d.line,
            column: d.column,
            severity: d.severity,
          })),
        },
        2,
      ) + "\n",
    );
  }
  if ((errors > 0 || warnings > 0) && !options.quiet) {
    human(summaryLine(errors, warnings, files.length) + "\n");
  }
  return errors > 0 ? EXIT.invalid : EXIT.ok;
};
