/**
 * The resumable results file of `deno task mutate`: one verdict per mutant, keyed by the
 * SHA-256 of the module's source and the mutant's id, so a rerun skips what it already knows,
 * an edited module is measured again, and so is a survivor once the module's tests changed. Written after every mutant (write then rename).
 *
 * @module
 */

/** What the tests did with a mutant. */
export type Verdict = "killed" | "survived" | "timeout";

/** One recorded result. */
export interface MutantResult {
  verdict: Verdict;
  ms: number;
  /**
   * The hash of the module's test files when the verdict was made: a survivor is measured
   * again once the tests changed (a kill stands while the module is unchanged).
   */
  tests?: string;
  /** The test file that killed it (coverage selection). */
  by?: string;
}

/** The key of a mutant's result. */
export function resultKey(sourceHash: string, mutantId: string): string {
  return `${sourceHash}:${mutantId}`;
}

/** The SHA-256 of a text, hex. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The results saved at `path` (none when the file does not exist). */
export async function loadResults(path: string): Promise<Map<string, MutantResult>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Map();
    throw e;
  }
  return new Map(Object.entries(JSON.parse(text) as Record<string, MutantResult>));
}

/** Saves the results to `path` atomically. */
export async function saveResults(path: string, results: Map<string, MutantResult>) {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(Object.fromEntries(results), null, 1) + "\n");
  await Deno.rename(tmp, path);
}
