/**
 * Coverage-based test selection for `deno task mutate`: each test file runs once, alone, under
 * `deno test --coverage` (subprocesses it starts are covered too), and the lines it executed in
 * every module are kept in a cache file (`.mutate-coverage.json`). A mutant then runs only the
 * test files that executed its line, and a mutant on a line no test executes survives without a
 * run. The cache entry of a test is measured again when the test file changed or when a module
 * it covered changed (its line numbers would be stale); `--fresh-coverage` drops the cache.
 *
 * The coverage run is also the test's clean run: a test file that fails without any mutant is
 * never selected (a mutant it fails would not be the mutant's doing).
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";

/** What one test file executed, measured on the clean tree. */
export interface TestCoverage {
  /** SHA-256 of the test file when measured. */
  testHash: string;
  /** Whether the test file passed without mutants. */
  passed: boolean;
  /** How long its clean run took (coverage on), in milliseconds. */
  ms: number;
  /** Module path → the module's SHA-256 when measured and its executed lines (`"1-5,9"`). */
  modules: Record<string, { hash: string; lines: string }>;
}

/** Test path → its coverage. */
export type CoverageCache = Map<string, TestCoverage>;

/** Lines hit at least once, by file (paths relative to `base`; files outside it left out). */
export function parseLcov(text: string, base: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) {
      let path = line.slice(3).trim();
      if (path.startsWith("file://")) path = new URL(path).pathname;
      const rel = isAbsolute(path) ? relative(base, path) : path;
      current = rel.startsWith("..") ? undefined : out.get(rel) ?? new Set();
      if (current !== undefined) out.set(rel, current);
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [n, count] = line.slice(3).split(",");
      if (Number(count) > 0) current.add(Number(n));
    } else if (line.startsWith("end_of_record")) {
      current = undefined;
    }
  }
  return out;
}

/** A set of line numbers as ranges: `{1,2,3,5}` → `"1-3,5"`. */
export function encodeLines(lines: Iterable<number>): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** Whether `line` is in ranges made by {@link encodeLines}. */
export function hasLine(ranges: string, line: number): boolean {
  if (ranges === "") return false;
  for (const part of ranges.split(",")) {
    const [a, b] = part.split("-").map(Number);
    if (line >= a! && line <= (b ?? a)!) return true;
  }
  return false;
}

/** The cache saved at `path` (empty when there is none). */
export async function loadCoverage(path: string): Promise<CoverageCache> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Map();
    throw e;
  }
  return new Map(Object.entries(JSON.parse(text) as Record<string, TestCoverage>));
}

/** Saves the cache atomically. */
export async function saveCoverage(path: string, cache: CoverageCache): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(Object.fromEntries(cache)) + "\n");
  await Deno.rename(tmp, path);
}

/**
 * Whether a cached entry still describes the test: the test file is unchanged, and so is
 * `module` when the entry recorded it (`hashes` maps paths to their current SHA-256).
 */
export function fresh(
  entry: TestCoverage | undefined,
  testHash: string,
  module: string,
  moduleHash: string,
): entry is TestCoverage {
  if (entry === undefined || entry.testHash !== testHash) return false;
  const m = entry.modules[module];
  return m === undefined || m.hash === moduleHash;
}

/**
 * Runs one test file under coverage in `cwd` (a copy of the tree) and returns what it executed.
 * `hashes` gives the SHA-256 of every module (only modules in it are kept).
 */
export async function measureCoverage(
  cwd: string,
  test: string,
  testHash: string,
  hashes: ReadonlyMap<string, string>,
  run: (args: string[], timeoutMs: number) => Promise<{ ok: boolean; timedOut: boolean }>,
  timeoutMs: number,
): Promise<TestCoverage> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-mutate-cov-" });
  try {
    const started = Date.now();
    const { ok } = await run(
      ["test", "--allow-all", "--no-check", `--coverage=${dir}`, test],
      timeoutMs,
    );
    const ms = Date.now() - started;
    const modules: TestCoverage["modules"] = {};
    if (ok) {
      const lcov = new Deno.Command(Deno.execPath(), {
        args: ["coverage", dir, "--lcov"],
        cwd,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
        env: { NO_COLOR: "1" },
      });
      const { stdout } = await lcov.output();
      for (const [path, lines] of parseLcov(new TextDecoder().decode(stdout), cwd)) {
        const hash = hashes.get(path);
        if (hash !== undefined && lines.size > 0) {
          modules[path] = { hash, lines: encodeLines(lines) };
        }
      }
    }
    return { testHash, passed: ok, ms, modules };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The coverage file next to the results file: `.mutate-results.json` → `.mutate-coverage.json`. */
export function coveragePathFor(resultsPath: string): string {
  const dir = resultsPath.slice(0, resultsPath.length - (resultsPath.split("/").pop()!.length));
  return join(dir || ".", ".mutate-coverage.json");
}
