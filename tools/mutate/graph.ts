/**
 * Which test files exercise a module: the reverse of the repository's static import graph
 * (relative `import`, `export … from` and literal dynamic `import()`), read with the
 * `typescript` package's pre-processor. Nearest tests come first, so a failing run stops early.
 *
 * @module
 */
import ts from "typescript";
import { dirname, join, normalize } from "node:path";

/** The relative modules a source imports, as paths relative to the repository root. */
export function importsOf(path: string, source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith("./") || name.startsWith("../"))
    .map((name) => normalize(join(dirname(path), name)));
}

/**
 * The test files that import `module` directly or through other modules, with their import
 * distance, nearest first (then by name). `files` maps every repository path to its source.
 */
export function testDistances(
  module: string,
  files: ReadonlyMap<string, string>,
): [string, number][] {
  const importers = new Map<string, string[]>();
  for (const [path, source] of files) {
    for (const target of importsOf(path, source)) {
      const list = importers.get(target) ?? [];
      list.push(path);
      importers.set(target, list);
    }
  }
  const distance = new Map<string, number>([[module, 0]]);
  let frontier = [module];
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const m of frontier) {
      for (const importer of importers.get(m) ?? []) {
        if (distance.has(importer)) continue;
        distance.set(importer, d);
        next.push(importer);
      }
    }
    frontier = next;
  }
  return [...distance.entries()]
    .filter(([path]) => isTestFile(path))
    .sort(([a, da], [b, db]) => da - db || a.localeCompare(b));
}

/** The test files that reach `module`, nearest first. */
export function testsOf(module: string, files: ReadonlyMap<string, string>): string[] {
  return testDistances(module, files).map(([path]) => path);
}

/**
 * The tests of a module in two stages: the nearest ones (those at the smallest import
 * distance), then all the others. A mutant the first stage kills never pays for the second.
 */
export function testStages(module: string, files: ReadonlyMap<string, string>): string[][] {
  const tests = testDistances(module, files);
  const nearest = tests[0]?.[1];
  const first = tests.filter(([, d]) => d === nearest).map(([p]) => p);
  const rest = tests.filter(([, d]) => d !== nearest).map(([p]) => p);
  return [first, rest].filter((stage) => stage.length > 0);
}

/** Whether a path is a test file that `deno test` runs. */
export function isTestFile(path: string): boolean {
  return /(^|[/_.])test\.(ts|tsx|mts)$/.test(path);
}
