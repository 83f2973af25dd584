/**
 * Runs mutants: each one is written into a temporary COPY of the repository (the working tree
 * is never touched), the tests that import the module run there (`deno test --fail-fast`, in
 * their own process group, killed at the per-mutant timeout: a hang counts as killed), and the
 * module is restored in `finally`. Verdicts go to the resumable results file after each mutant.
 *
 * @module
 */
import { join, relative } from "node:path";
import { applyMutant, findMutants, type Mutant } from "./operators.ts";
import { hash32, sample } from "./sample.ts";
import { testStages } from "./graph.ts";
import {
  loadResults,
  type MutantResult,
  resultKey,
  saveResults,
  sha256,
  type Verdict,
} from "./results.ts";

/** Options of {@link runMutation}. */
export interface RunOptions {
  /** The repository root. */
  root: string;
  /** Modules to mutate, relative to the root. */
  modules: string[];
  /** At most this many mutants per module (seeded sample). */
  maxPerModule?: number;
  seed: number;
  /**
   * Run only the first N test stages (1: the nearest tests only). A quick lower bound of the
   * score: a mutant that only farther tests would kill counts as a survivor. Default: all.
   */
  stages?: number;
  /** Per-mutant timeout (a hang counts as killed); default 900 s. */
  timeoutS?: number;
  /** The resumable results file. */
  resultsPath: string;
  /** Progress lines. */
  log: (line: string) => void;
  /** Aborts the run (Ctrl-C): the running test process is killed, the copy removed. */
  signal?: AbortSignal;
}

/** The outcome of one mutant. */
export interface MutantOutcome {
  module: string;
  mutant: Mutant;
  verdict: Verdict;
}

/** The outcome of one module. */
export interface ModuleOutcome {
  module: string;
  tests: string[];
  /** Set when the module's tests fail without any mutant (then no mutant is run). */
  baselineFailed?: boolean;
  outcomes: MutantOutcome[];
}

/** Mutates every module and returns the verdicts (cached ones included). */
export async function runMutation(options: RunOptions): Promise<ModuleOutcome[]> {
  const files = await readSources(options.root);
  const results = await loadResults(options.resultsPath);
  const copy = await Deno.makeTempDir({ prefix: "tcflow-mutate-" });
  try {
    await copyTree(options.root, copy);
    const out: ModuleOutcome[] = [];
    for (const module of options.modules) {
      options.signal?.throwIfAborted();
      out.push(await runModule(module, files, results, copy, options));
    }
    return out;
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
}

async function runModule(
  module: string,
  files: Map<string, string>,
  results: Map<string, MutantResult>,
  copy: string,
  options: RunOptions,
): Promise<ModuleOutcome> {
  const source = files.get(module);
  if (source === undefined) throw new Error(`${module}: not a TypeScript file of the repository`);
  const stages = testStages(module, files).slice(0, options.stages ?? Infinity);
  const tests = stages.flat();
  const hash = await sha256(source);
  const testsHash = await sha256(tests.map((t) => `${t}\n${files.get(t)}`).join("\n"));
  const mutants = sample(
    findMutants(module, source),
    options.maxPerModule,
    options.seed ^ hash32(module),
  );
  const outcome: ModuleOutcome = { module, tests, outcomes: [] };
  const timeoutMs = (options.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000;
  // A stage's clean run is needed only when a mutant fails it (was it the mutant?); a mutant
  // that every stage passes is a survivor whatever the clean run does. So each stage's
  // baseline runs at most once, and only when it matters.
  const clean = new Map<number, boolean>();
  const cleanPasses = async (stage: number) => {
    if (!clean.has(stage)) {
      clean.set(
        stage,
        (await runTests(copy, stages[stage]!, timeoutMs, options.signal)) === "survived",
      );
    }
    return clean.get(stage)!;
  };
  const path = join(copy, module);
  for (const mutant of mutants) {
    const key = resultKey(hash, mutant.id);
    let result = results.get(key);
    if (result?.verdict === "survived" && result.tests !== testsHash) result = undefined;
    if (result === undefined) {
      options.signal?.throwIfAborted();
      const started = Date.now();
      let verdict: Verdict = "survived"; // no test imports the module: nothing can notice
      let failedStage = -1;
      try {
        await Deno.writeTextFile(path, applyMutant(source, mutant));
        for (const [i, stage] of stages.entries()) {
          verdict = await runTests(copy, stage, timeoutMs, options.signal);
          if (verdict !== "survived") {
            failedStage = i;
            break;
          }
        }
      } finally {
        await Deno.writeTextFile(path, source);
      }
      if (failedStage >= 0 && !await cleanPasses(failedStage)) {
        options.log(
          `${module}: its tests fail without any mutant (${
            stages[failedStage]!.join(" ")
          }); skipped`,
        );
        return { ...outcome, baselineFailed: true, outcomes: [] };
      }
      result = { verdict, ms: Date.now() - started, tests: testsHash };
      results.set(key, result);
      await saveResults(options.resultsPath, results);
      options.log(`${module}:${mutant.line}:${mutant.column} ${mutant.operator} ${verdict}`);
    }
    outcome.outcomes.push({ module, mutant, verdict: result.verdict });
  }
  return outcome;
}

/** The per-mutant timeout when none is given: a loaded 2-core machine runs the suite in ~12 min. */
const DEFAULT_TIMEOUT_S = 900;

/** Runs the tests in the copy: killed when they fail, timeout when they outlive `timeoutMs`. */
async function runTests(
  cwd: string,
  tests: string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Verdict> {
  const child = new Deno.Command("setsid", {
    args: [Deno.execPath(), "test", "--allow-all", "--no-check", "--fail-fast", ...tests],
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  let timedOut = false;
  const kill = () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal?.addEventListener("abort", kill);
  try {
    const status = await child.status;
    if (timedOut) return "timeout";
    return status.success ? "survived" : "killed";
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", kill);
    kill(); // servers a test left behind die with its group
  }
}

/** Every TypeScript file of the repository (no node_modules, no generated data), by path. */
async function readSources(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) await walk(path);
      } else if (/\.(ts|tsx|mts)$/.test(entry.name)) {
        files.set(relative(root, path), await Deno.readTextFile(path));
      }
    }
  };
  await walk(root);
  return files;
}

const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tcflow"]);

/** Copies the working tree (not `.git`, `.tcflow`); `node_modules` is linked, never written. */
async function copyTree(root: string, to: string): Promise<void> {
  const tar = new Deno.Command("sh", {
    args: [
      "-c",
      'tar -C "$1" -cf - --exclude=./node_modules --exclude=./.git --exclude=./.tcflow . | tar -C "$2" -xf -',
      "sh",
      root,
      to,
    ],
  });
  const { success, stderr } = await tar.output();
  if (!success) throw new Error(`copying the tree failed: ${new TextDecoder().decode(stderr)}`);
  await Deno.symlink(join(root, "node_modules"), join(to, "node_modules"));
}
