/**
 * A workflow as a Jupyter notebook (nbformat 4.5) for Deno's kernel: a Markdown cell per step
 * (its `doc`), then a code cell that runs the step through `mod.ts` (`openNotebook`), whose
 * result renders as HTML (tables of results, errors highlighted).
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { actionLabelOf } from "../catalog/clouds.ts";
import type { Step, Workflow } from "../workflow/model.ts";

/** One nbformat cell. */
export type IpynbCell =
  | { cell_type: "markdown"; id: string; metadata: Record<string, unknown>; source: string[] }
  | {
    cell_type: "code";
    id: string;
    metadata: Record<string, unknown>;
    source: string[];
    execution_count: null;
    outputs: unknown[];
  };

/** An nbformat 4 notebook document. */
export interface IpynbDocument {
  /** nbformat major version. */
  nbformat: 4;
  /** nbformat minor version. */
  nbformat_minor: 5;
  /** Notebook metadata (kernel spec, language info). */
  metadata: Record<string, unknown>;
  /** The cells, in order. */
  cells: IpynbCell[];
}

/** Options of {@link buildIpynb}. */
export interface IpynbOptions {
  /** Absolute path of the workflow file the notebook opens. */
  workflowPath: string;
  /** URL of the module exporting `openNotebook` (default: this repository's `mod.ts`). */
  moduleUrl?: string;
  /** Open the notebook against the built-in emulator. */
  emulator?: boolean;
  /** Input values written into the notebook (never the secret ones). */
  inputs?: Record<string, unknown>;
  /** State directory of the runs. */
  stateDir?: string;
}

/** The file URL of this repository's `mod.ts`. */
export const MOD_URL: string = new URL("../../mod.ts", import.meta.url).href;

/**
 * Builds the notebook of a workflow: a title cell, a setup cell (`openNotebook`), then per
 * step a Markdown cell (its number, id, action and `doc`) and a code cell
 * `await display(nb.run("<id>"))`, and a last cell with the run's report.
 *
 * @example
 * ```ts
 * import { loadWorkflowFile } from "../workflow/load.ts";
 *
 * const path = new URL("../../workflows/nightly-audit.yaml", import.meta.url).pathname;
 * const { workflow } = await loadWorkflowFile(path);
 * const doc = buildIpynb(workflow!, { workflowPath: path, emulator: true });
 * console.log(doc.cells.length); // a title, the setup, 2 per step, the report
 * ```
 */
export function buildIpynb(wf: Workflow, options: IpynbOptions): IpynbDocument {
  const open: Record<string, unknown> = {};
  if (options.emulator) open.emulator = true;
  if (options.stateDir !== undefined) open.stateDir = options.stateDir;
  const secret = new Set(wf.inputs.filter((d) => d.secret).map((d) => d.name));
  const inputs = Object.fromEntries(
    Object.entries(options.inputs ?? {}).filter(([name]) => !secret.has(name)),
  );
  if (Object.keys(inputs).length > 0) open.inputs = inputs;
  const setup = [
    `import { display, openNotebook } from ${JSON.stringify(options.moduleUrl ?? MOD_URL)};`,
    "",
    `const nb = await openNotebook(${JSON.stringify(options.workflowPath)}, ${
      stringifyJson(open) ?? "{}"
    });`,
    ...(secret.size > 0
      ? [
        `// Secret inputs (${
          [...secret].join(", ")
        }): pass them in \`inputs\`, e.g. from Deno.env.`,
      ]
      : []),
    "await display(nb.cells());",
  ];
  const cells: IpynbCell[] = [
    markdown("title", [
      `# ${wf.name}`,
      ...(wf.description !== undefined ? ["", wf.description] : []),
      "",
      "Each code cell below runs one step of the workflow (and the steps it reads that have " +
      "not run); its result shows the request, the response (lists as tables) and errors. " +
      "Every result is journaled: `tcflow notebook --run <run-id>` reopens the same run.",
    ]),
    code("setup", setup),
  ];
  wf.steps.forEach((step, index) => {
    cells.push(markdown(`doc-${step.id}`, stepMarkdown(step, index + 1)));
    cells.push(code(`run-${step.id}`, [`await display(nb.run(${JSON.stringify(step.id)}));`]));
  });
  cells.push(markdown("report-title", ["## Report"]));
  cells.push(code("report", ["await display(nb.report());"]));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
      tcflow: { workflow: wf.name, file: options.workflowPath },
    },
    cells,
  };
}

function stepMarkdown(step: Step, n: number): string[] {
  const what = step.kind === "action" ? `\`${actionLabelOf(step.action)}\`` : `(${step.kind})`;
  const lines = [`### ${n}. \`${step.id}\` ${what}`];
  if (step.doc !== undefined && step.doc.trim() !== "") {
    // The doc's own headings go below the cell's.
    lines.push("", ...step.doc.trimEnd().split("\n").map((l) => l.replace(/^#{1,3} /, "#### ")));
  }
  return lines;
}

function markdown(id: string, lines: string[]): IpynbCell {
  return { cell_type: "markdown", id, metadata: {}, source: sourceLines(lines) };
}

function code(id: string, lines: string[]): IpynbCell {
  return {
    cell_type: "code",
    id,
    metadata: {},
    source: sourceLines(lines),
    execution_count: null,
    outputs: [],
  };
}

/** nbformat's multi-line string: every line but the last keeps its `\n`. */
function sourceLines(lines: string[]): string[] {
  const all = lines.join("\n").split("\n");
  return all.map((line, i) => (i < all.length - 1 ? `${line}\n` : line));
}
