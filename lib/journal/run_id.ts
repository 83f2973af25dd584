/**
 * Run ids: sortable by start time, safe as a directory name, e.g. `20261123T104512Z-7f3k2a`
 * (UTC start second, then 6 random base-36 characters).
 *
 * @module
 */
import type { Deps } from "../deps.ts";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** What a run id may look like: a safe file name (no `/`, no leading dot), at most 128 chars. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A new run id from the clock and randomness of `deps`.
 *
 * @example
 * ```ts
 * newRunId({ now: () => Date.UTC(2026, 10, 23, 10, 45, 12), random: () => 0.5 });
 * // "20261123T104512Z-iiiiii"
 * ```
 */
export function newRunId(deps: Pick<Deps, "now" | "random">): string {
  const iso = new Date(deps.now()).toISOString(); // 2026-11-23T10:45:12.000Z
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}T${iso.slice(11, 19).replaceAll(":", "")}Z`;
  let suffix = "";
  for (let i = 0; i < 6; i++) {
    const pick = Math.min(ALPHABET.length - 1, Math.floor(deps.random() * ALPHABET.length));
    suffix += ALPHABET[pick];
  }
  return `${stamp}-${suffix}`;
}

/**
 * Whether `text` can be a run id: a safe directory name (letters, digits, `.`, `_`, `-`, not
 * starting with a dot, at most 128 characters). Ids of other formats (older runs, ids chosen by
 * a script) are accepted as long as they are safe.
 */
export function isRunId(text: string): boolean {
  return RUN_ID.test(text) && !text.includes("..");
}
