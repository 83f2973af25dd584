/**
 * `deno task mutate [files or folders…]`: mutation testing of tcflow's own code. Plants one
 * small bug at a time in each module (see `mutate/operators.ts`), runs the tests that import
 * the module in a temporary copy of the tree, and prints the score per module and every
 * survivor. Without arguments it measures the core (`DEFAULT_MODULES`).
 *
 * Flags: `--max N` mutants per module (seeded sample; default 25), `--seed N` (default 1),
 * `--timeout S` per test run (default 900), `--results PATH`
 * (resumable results, default `.mutate-results.json`), `--verdicts PATH` (checked-in
 * judgements of survivors, default `tools/mutate/verdicts.json`), `--min P` (exit 1 below P%),
 * `--jobs N` (mutants at a time, each in its own copy of the tree; default 1),
 * `--select coverage|graph` (default coverage: only the tests that executed the mutant's line,
 * cached in `.mutate-coverage.json`; `--fresh-coverage` measures it again), `--stages 1` (graph
 * selection: only the nearest tests, a quick lower bound of the score).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, relative, resolve } from "node:path";
import { runMutation } from "./mutate/runner.ts";
import { formatReport, type Judgements, score } from "./mutate/report.ts";

/** The modules whose score the README states. */
export const DEFAULT_MODULES = [
  "lib/engine",
  "lib/journal",
  "lib/tencent/signer.ts",
  "lib/secrets.ts",
  "lib/expr/taint.ts",
  "lib/workflow/validate.ts",
  "lib/catalog/pager.ts",
];

function usage(message: string): never {
  console.error(`mutate: ${message}`);
  console.error(
    "usage: deno task mutate [--max N] [--seed N] [--timeout S] [--jobs N] [--select coverage|graph] [--fresh-coverage] [--results PATH] [--verdicts PATH] [--min P] [--stages 1] [files or folders…]",
  );
  Deno.exit(2);
}

function count(flag: string, value: string | undefined, fallback: number | undefined) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) usage(`--${flag} must be a whole number: got ${value}`);
  return n;
}

/** Modules named by the arguments: files as given, folders expanded (tests excluded). */
async function expand(root: string, args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const path = resolve(root, arg);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      usage(`${arg}: no such file or folder`);
    }
    if (info.isFile) {
      out.push(relative(root, path));
      continue;
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(path)) {
      if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) names.push(e.name);
    }
    out.push(...names.sort().map((n) => relative(root, join(path, n))));
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        max: { type: "string" },
        seed: { type: "string" },
        timeout: { type: "string" },
        results: { type: "string" },
        verdicts: { type: "string" },
        min: { type: "string" },
        stages: { type: "string" },
        jobs: { type: "string" },
        select: { type: "string" },
        "fresh-coverage": { type: "boolean" },
      },
    });
  } catch (e) {
    usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  // --stages is a graph-selection option: alone, it selects by the graph (as it always did).
  const select = values.select ?? (values.stages !== undefined ? "graph" : "coverage");
  if (select !== "coverage" && select !== "graph") {
    usage(`--select must be coverage or graph: got ${select}`);
  }
  const root = resolve(new URL("..", import.meta.url).pathname);
  const modules = await expand(root, positionals.length > 0 ? positionals : DEFAULT_MODULES);
  const verdictsPath = resolve(values.verdicts ?? join(root, "tools/mutate/verdicts.json"));
  const judgements = JSON.parse(await Deno.readTextFile(verdictsPath)) as Judgements;
  const abort = new AbortController();
  const onInt = () => abort.abort(new Error("interrupted"));
  Deno.addSignalListener("SIGINT", onInt);
  try {
    const timeoutS = count("timeout", values.timeout, undefined);
    const stages = count("stages", values.stages, undefined);
    if (stages !== undefined && select !== "graph") usage("--stages needs --select graph");
    const jobs = count("jobs", values.jobs, 1)!;
    if (jobs < 1) usage("--jobs must be at least 1");
    const outcomes = await runMutation({
      root,
      modules,
      maxPerModule: count("max", values.max, 25)!,
      seed: count("seed", values.seed, 1)!,
      ...(timeoutS === undefined ? {} : { timeoutS }),
      ...(stages === undefined ? {} : { stages }),
      select,
      jobs,
      freshCoverage: values["fresh-coverage"] === true,
      resultsPath: resolve(values.results ?? join(root, ".mutate-results.json")),
      log: (line) => console.error(line),
      signal: abort.signal,
    });
    console.log(formatReport(outcomes, judgements));
    const min = count("min", values.min, undefined);
    return min !== undefined && score(outcomes, judgements).percent < min ? 1 : 0;
  } catch (e) {
    if (abort.signal.aborted) {
      console.error("mutate: interrupted; the results so far are saved, rerun to resume");
      return 130;
    }
    throw e;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
