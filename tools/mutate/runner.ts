/**
 * Runs mutants: each one is written into a temporary COPY of the repository (the working tree
 * is never touched; `--jobs N` makes N copies and runs N mutants at a time), tests run there
 * (`deno test`, in their own process group, killed at the timeout: a hang counts as killed),
 * and the module is restored in `finally`. Verdicts go to the resumable results file after
 * each mutant.
 *
 * Which tests: by default (`select: "coverage"`) the test files that import the module (from
 * the import graph) AND executed the mutant's line on the clean tree (`coverage.ts`), one file
 * at a time, nearest first (then the quickest), stopping at the first that fails. With
 * `select: "graph"` every test file that imports the module, in two stages (nearest, rest).
 *
 * @module
 */
import { join, relative } from "node:path";
import { applyMutant, findMutants, type Mutant } from "./operators.ts";
import { hash32, sample } from "./sample.ts";
import { testDistances, testStages } from "./graph.ts";
import {
  type CoverageCache,
  coveragePathFor,
  fresh,
  hasLine,
  loadCoverage,
  measureCoverage,
  saveCoverage,
} from "./coverage.ts";
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
  /** How tests are chosen (see the module doc); default `"coverage"`. */
  select?: "coverage" | "graph";
  /** Mutants run at a time, each in its own copy of the tree; default 1. */
  jobs?: number;
  /** The coverage cache; default `.mutate-coverage.json` beside the results file. */
  coveragePath?: string;
  /** Drop the coverage cache and measure it again. */
  freshCoverage?: boolean;
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
  /** Test files left out because they fail without any mutant (coverage selection). */
  failingTests?: string[];
  outcomes: MutantOutcome[];
}

/** Mutates every module and returns the verdicts (cached ones included). */
export async function runMutation(options: RunOptions): Promise<ModuleOutcome[]> {
  const files = await readSources(options.root);
  const results = await loadResults(options.resultsPath);
  const jobs = Math.max(1, options.jobs ?? 1);
  const copies: string[] = [];
  try {
    for (let i = 0; i < jobs; i++) {
      const copy = await Deno.makeTempDir({ prefix: "tcflow-mutate-" });
      copies.push(copy);
      await copyTree(options.root, copy);
    }
    const out: ModuleOutcome[] = [];
    if (options.select === "graph") {
      for (const module of options.modules) {
        options.signal?.throwIfAborted();
        out.push(await runModule(module, files, results, copies[0]!, options));
      }
      return out;
    }
    const coveragePath = options.coveragePath ?? coveragePathFor(options.resultsPath);
    const coverage = options.freshCoverage ? new Map() : await loadCoverage(coveragePath);
    const hashes = new Map<string, string>();
    for (const [path, text] of files) hashes.set(path, await sha256(text));
    const ctx: CoverageRun = {
      files,
      hashes,
      results,
      coverage,
      coveragePath,
      copies,
      options,
      save: serial(),
    };
    for (const module of options.modules) {
      options.signal?.throwIfAborted();
      out.push(await runModuleByCoverage(module, ctx));
    }
    return out;
  } finally {
    for (const copy of copies) await Deno.remove(copy, { recursive: true });
  }
}

interface CoverageRun {
  files: Map<string, string>;
  hashes: Map<string, string>;
  results: Map<string, MutantResult>;
  coverage: CoverageCache;
  coveragePath: string;
  copies: string[];
  options: RunOptions;
  /** Runs file writes one after the other (workers finish at the same time). */
  save: (write: () => Promise<void>) => Promise<void>;
}

/** One module with coverage selection: see the module doc. */
async function runModuleByCoverage(module: string, ctx: CoverageRun): Promise<ModuleOutcome> {
  const { files, hashes, results, coverage, options } = ctx;
  const source = files.get(module);
  if (source === undefined) throw new Error(`${module}: not a TypeScript file of the repository`);
  const hash = hashes.get(module)!;
  const candidates = testDistances(module, files).map(([path]) => path);
  const mutants = sample(
    findMutants(module, source),
    options.maxPerModule,
    options.seed ^ hash32(module),
  );
  const outcome: ModuleOutcome = { module, tests: candidates, outcomes: [] };
  const timeoutMs = (options.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000;
  const cached = mutants.map((m) => results.get(resultKey(hash, m.id)));
  // A kill stands while the module is unchanged; anything else needs the coverage.
  if (cached.some((r) => r?.verdict !== "killed")) {
    const stale = candidates.filter((t) => !fresh(coverage.get(t), hashes.get(t)!, module, hash));
    await pool(stale, ctx.copies, async (test, copy) => {
      options.signal?.throwIfAborted();
      const measured = await measureCoverage(
        copy,
        test,
        hashes.get(test)!,
        hashes,
        (args, ms) => runDeno(copy, args, ms, options.signal),
        timeoutMs,
      );
      coverage.set(test, measured);
      await ctx.save(() => saveCoverage(ctx.coveragePath, coverage));
      options.log(`coverage ${test}: ${measured.passed ? "passed" : "FAILED"} (${measured.ms} ms)`);
    });
  }
  const usable = candidates.filter((t) => coverage.get(t)?.passed !== false);
  const failing = candidates.filter((t) => coverage.get(t)?.passed === false);
  if (failing.length > 0) {
    outcome.failingTests = failing;
    options.log(`${module}: left out, they fail without any mutant: ${failing.join(" ")}`);
  }
  const order = usable.map((t, i) => ({ t, i, ms: coverage.get(t)?.ms ?? 0 }));
  const distance = new Map(testDistances(module, files));
  order.sort((a, b) => distance.get(a.t)! - distance.get(b.t)! || a.ms - b.ms || a.i - b.i);
  const verdicts: (MutantResult | undefined)[] = [...cached];
  const todo = mutants.map((m, i) => ({ m, i })).filter(({ i }) => cached[i]?.verdict !== "killed");
  await pool(todo, ctx.copies, async ({ m, i }, copy) => {
    const covering = (line: number) =>
      order.filter(({ t }) => hasLine(coverage.get(t)?.modules[module]?.lines ?? "", line));
    // A line V8 counts as not run may still have run in part (a loop whose body never ran
    // marks its whole line 0): then the tests that ran the lines around it.
    let selected = covering(m.line);
    if (selected.length === 0) {
      const around = new Set([...covering(m.line - 1), ...covering(m.line + 1)]);
      selected = order.filter((o) => around.has(o));
    }
    const testsHash = await sha256(selected.map(({ t }) => `${t}\n${files.get(t)}`).join("\n"));
    if (verdicts[i]?.tests === testsHash) return; // a survivor of the same tests
    options.signal?.throwIfAborted();
    const started = Date.now();
    let verdict: Verdict = "survived"; // no test executes the line: nothing can notice
    let by: string | undefined;
    const path = join(copy, module);
    try {
      await Deno.writeTextFile(path, applyMutant(source, m));
      const limit = (ms: number) => Math.min(timeoutMs, Math.max(60_000, 5 * ms));
      const alone = async (tests: typeof selected) => {
        for (const { t, ms } of tests) {
          const run = await runDeno(
            copy,
            ["test", "--allow-all", "--no-check", t],
            limit(ms),
            options.signal,
          );
          if (run.timedOut || !run.ok) {
            verdict = run.timedOut ? "timeout" : "killed";
            by = t;
            return;
          }
        }
      };
      // The nearest (quickest) test alone: most mutants die there. The rest in one process
      // (one start-up instead of many); when that fails, each alone again, so a kill is
      // always one test file's (they may disturb each other in one process).
      await alone(selected.slice(0, 1));
      const rest = selected.slice(1);
      if (verdict === "survived" && rest.length > 0) {
        const batch = await runDeno(
          copy,
          ["test", "--allow-all", "--no-check", "--fail-fast", ...rest.map(({ t }) => t)],
          rest.reduce((sum, { ms }) => sum + limit(ms), 0),
          options.signal,
          true,
        );
        if (!batch.ok) {
          // The file the batch names as failing goes first (usually the only run needed).
          const named = /=> \.\/(\S+?):\d+:\d+/.exec(batch.output ?? "")?.[1];
          const first = rest.filter(({ t }) => t === named);
          await alone([...first, ...rest.filter(({ t }) => t !== named)]);
        }
      }
    } finally {
      await Deno.writeTextFile(path, source);
    }
    const result: MutantResult = {
      verdict,
      ms: Date.now() - started,
      tests: testsHash,
      ...(by === undefined ? {} : { by }),
    };
    verdicts[i] = result;
    results.set(resultKey(hash, m.id), result);
    await ctx.save(() => saveResults(options.resultsPath, results));
    options.log(
      `${module}:${m.line}:${m.column} ${m.operator} ${verdict}` +
        (by === undefined ? ` (${selected.length} tests)` : ` by ${by}`),
    );
  });
  mutants.forEach((mutant, i) => {
    outcome.outcomes.push({ module, mutant, verdict: verdicts[i]!.verdict });
  });
  return outcome;
}

/** Runs `work` on every item, `workers.length` at a time (each worker has its own copy). */
async function pool<T>(
  items: readonly T[],
  workers: readonly string[],
  work: (item: T, copy: string) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(workers.map(async (copy) => {
    while (next < items.length) await work(items[next++]!, copy);
  }));
}

/** A queue that runs writes one at a time. */
function serial(): (write: () => Promise<void>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (write) => {
    const done = last.then(write);
    last = done.catch(() => {});
    return done;
  };
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
  const run = await runDeno(
    cwd,
    ["test", "--allow-all", "--no-check", "--fail-fast", ...tests],
    timeoutMs,
    signal,
  );
  return run.timedOut ? "timeout" : run.ok ? "survived" : "killed";
}

/** Runs `deno <args>` in its own process group, killed (with its children) at `timeoutMs`. */
async function runDeno(
  cwd: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
  capture = false,
): Promise<{ ok: boolean; timedOut: boolean; output?: string }> {
  const child = new Deno.Command("setsid", {
    args: [Deno.execPath(), ...args],
    cwd,
    stdin: "null",
    stdout: capture ? "piped" : "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const output = capture ? new Response(child.stdout).text() : undefined;
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
    signal?.throwIfAborted(); // a run killed by Ctrl-C says nothing of the tests
    const result = { ok: status.success && !timedOut, timedOut };
    if (output === undefined) return result;
    kill(); // a server the tests left behind would hold the output open
    return { ...result, output: await output.catch(() => "") };
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
