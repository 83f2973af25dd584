/**
 * `tcflow ipynb <workflow> [--out file.ipynb] [--emulator]`: writes a Jupyter notebook for
 * Deno's kernel, one code cell per step (with its `doc` as Markdown), whose cells run the
 * workflow through `mod.ts` with rich HTML output (PRODUCT.md section 8).
 *
 * @module
 */
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { stringifyJson } from "../json.ts";
import { buildIpynb } from "../notebook/ipynb.ts";
import { loadWorkflowFile } from "../workflow/load.ts";
import { formatDiagnostic } from "../workflow/snippet.ts";
import { boolFlag, listFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";
import { parseInputFlags } from "../workflow/inputs.ts";
import { writePrivateFile } from "./_private_file.ts";

/** Text of `tcflow ipynb --help`. */
export const IPYNB_USAGE =
  `Usage: tcflow ipynb <workflow> [--out file.ipynb] [--emulator] [--input name=value]…
                    [--inputs file] [--state-dir DIR]

Writes a Jupyter notebook for Deno's kernel (deno jupyter --install): a Markdown cell per
step with its doc, and a code cell per step that runs it through mod.ts, showing the
request, the response as tables and errors highlighted. --emulator makes the notebook run
against the built-in emulator. Inputs given here are written into the notebook (secret
inputs never are). Default output: the workflow's file name with .ipynb, in the working
directory. Exit codes: 0 written, 2 invalid workflow or command line.
`;

const IPYNB_FLAGS = {
  out: { type: "string", short: "o" },
  emulator: { type: "boolean" },
} as const;

/** `tcflow ipynb`. */
export const ipynbCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("ipynb", args, IPYNB_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(IPYNB_USAGE);
    return EXIT.ok;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError("ipynb: missing the workflow file\n" + IPYNB_USAGE);
  if (extra.length > 0) throw new UsageError("ipynb: one workflow at a time");
  const path = absolute(ctx.cwd, file);
  const loaded = await loadWorkflowFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (loaded.workflow === undefined || errors.length > 0) {
    for (const d of loaded.diagnostics) {
      ctx.io.stderr(
        formatDiagnostic({ ...d, file: d.file === path ? file : d.file }, loaded.source) + "\n",
      );
    }
    ctx.io.stderr(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
    return EXIT.invalid;
  }
  const workflow = loaded.workflow;
  const inputsFile = stringFlag(parsed, "inputs");
  const flags = listFlag(parsed, "input");
  // Checked like `run` does, but only the inputs given are written (defaults stay defaults).
  const inputs = flags.length > 0 || inputsFile !== undefined
    ? parseInputFlags(
      flags,
      inputsFile === undefined ? undefined : absolute(ctx.cwd, inputsFile),
      workflow.inputs.map((d) => ({ ...d, required: false, default: undefined })),
    )
    : {};
  const stateDir = absolute(ctx.cwd, stringFlag(parsed, "state-dir") ?? ".tcflow");
  const base = path.split("/").pop()!.replace(/\.(ya?ml|json)$/i, "");
  const out = absolute(ctx.cwd, stringFlag(parsed, "out") ?? `${base}.ipynb`);
  // Every path relative to the notebook (the kernel runs in its folder): the notebook moves
  // with its project, and its runs go to the state dir of the folder it was written from,
  // where `tcflow runs` lists them.
  const here = dirname(out);
  const doc = buildIpynb(workflow, {
    workflowPath: relativeTo(here, path),
    emulator: boolFlag(parsed, "emulator"),
    inputs,
    stateDir: relativeTo(here, stateDir),
    moduleUrl: relativeTo(here, fileURLToPath(new URL("../../mod.ts", import.meta.url))),
  });
  // The notebook holds the inputs given and the run's paths: 0600, as reports and journals.
  try {
    await writePrivateFile(out, (stringifyJson(doc, 1) ?? "") + "\n");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`ipynb: cannot write ${out}: ${message}`);
  }
  if (!boolFlag(parsed, "quiet")) {
    ctx.io.stderr(`wrote ${out}: ${doc.cells.length} cells (${workflow.steps.length} steps)\n`);
    const root = new URL("../../", import.meta.url);
    if (root.protocol === "file:" && !out.startsWith(root.pathname)) {
      ctx.io.stderr(
        `note: Deno's kernel finds tcflow's npm packages through ${root.pathname}deno.json: ` +
          `open the notebook from a folder inside ${root.pathname}\n`,
      );
    }
  }
  if (boolFlag(parsed, "json")) {
    ctx.io.stdout(stringifyJson({ file: out, cells: doc.cells.length }) + "\n");
  }
  return EXIT.ok;
};

function absolute(cwd: string, path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)
    ? path
    : `${cwd.replace(/\/+$/, "")}/${path}`;
}

/** `path` relative to the folder `from`, starting with `./` or `../` (an import specifier). */
function relativeTo(from: string, path: string): string {
  const rel = relative(from, path).replaceAll("\\", "/");
  return rel.startsWith("../") || rel.startsWith("./") ? rel : `./${rel}`;
}
