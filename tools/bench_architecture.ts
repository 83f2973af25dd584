/**
 * The import-graph figures of `deno task bench architecture` (ARCHITECTURE.md): the wall time
 * of `tcflow validate` against a bare `deno run` of an empty file (a ratio in one run,
 * interleaved), the modules `deno info lib/expr/evaluate.ts` lists, and the modules
 * `tcflow validate` loads (none of them emulator modules).
 *
 * `tcflow validate` is measured as the `tcflow` task (and the README's `deno install -g` line)
 * runs it: `deno run` with the task's flags (permissions and V8 flags) and `cli.ts`, without
 * the launcher (`node tools/launch.cjs`) in front, so that both sides are one `deno run`.
 *
 * @module
 */
import { closure, importGraph, productModules, unitOf } from "./import_graph.ts";

/** The figures. */
export interface ArchitectureFigures {
  /** Median wall time of `deno run <flags of the tcflow task> cli.ts validate <sample>`, ms. */
  validateMs: number;
  /** Median wall time of `deno run <empty file>`, ms. */
  emptyMs: number;
  /** Median over the rounds of validate / empty (one round runs both, back to back). */
  ratio: number;
  /** Local modules of `deno info lib/expr/evaluate.ts`. */
  evaluateModules: number;
  /** Local modules `tcflow validate` loads (cli.ts and the validate command, statically). */
  validateModules: number;
  /** Emulator modules among them, with every `import()` but the command loaders followed. */
  validateEmulatorModules: string[];
}

const ROOT = new URL("../", import.meta.url).pathname;

async function wallMs(args: string[]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "null" })
    .output();
  const ms = performance.now() - start;
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed`);
  return ms;
}

/** The flags `deno.json`'s `tcflow` task gives `deno run` (`node tools/launch.cjs run … cli.ts`). */
export async function tcflowTaskFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const words = String(config.tasks.tcflow).split(/\s+/);
  const run = words.indexOf("run");
  if (run < 0 || words.at(-1) !== "cli.ts") {
    throw new Error("the tcflow task is not `… run <flags> cli.ts`");
  }
  return words.slice(run + 1, -1);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Measures; `rounds` alternating runs of each command. */
export async function benchArchitecture(rounds = 7): Promise<ArchitectureFigures> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-bench-" });
  try {
    const empty = `${dir}/empty.ts`;
    await Deno.writeTextFile(empty, "");
    const validate = [
      "run",
      ...await tcflowTaskFlags(),
      "cli.ts",
      "validate",
      "workflows/rocketmq-smooth-migration.yaml",
    ];
    await wallMs(validate); // warm the module cache once
    await wallMs(["run", empty]);
    const validateTimes: number[] = [];
    const emptyTimes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      validateTimes.push(await wallMs(validate));
      emptyTimes.push(await wallMs(["run", empty]));
    }
    const { edges } = await importGraph(ROOT, await productModules(ROOT));
    const roots = ["cli.ts", "lib/cli/validate.ts"];
    const loaders = (e: { from: string; dynamic: boolean }) =>
      e.dynamic && e.from === "lib/cli/main.ts";
    const every = closure(edges.filter((e) => !loaders(e)), roots, true);
    const evaluate = await importGraph(ROOT, ["lib/expr/evaluate.ts"]);
    const validateMs = Math.round(median(validateTimes));
    const emptyMs = Math.round(median(emptyTimes));
    return {
      validateMs,
      emptyMs,
      // Each round runs both commands back to back, so a round's ratio is taken under one load;
      // the median of the rounds' ratios is steadier than the ratio of the two medians.
      ratio: Math.round(median(validateTimes.map((ms, i) => ms / emptyTimes[i]!)) * 100) / 100,
      evaluateModules: evaluate.modules.length,
      validateModules: closure(edges, roots).length,
      validateEmulatorModules: every.filter((m) => unitOf(m) === "emulator"),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
