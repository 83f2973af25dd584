/**
 * Seeded, deterministic sampling of mutants: the same seed and the same source give the same
 * sample on every machine, so a score can be reproduced and resumed.
 *
 * @module
 */

/** A small seeded PRNG (mulberry32): a float in [0, 1) per call. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash of a string, to derive one seed per module from the run's seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * At most `max` items, chosen by a seeded shuffle; the chosen items keep their original order.
 * With `max` undefined or not smaller than the list, the list itself.
 */
export function sample<T>(items: readonly T[], max: number | undefined, seed: number): T[] {
  if (max === undefined || items.length <= max) return [...items];
  const random = seededRandom(seed);
  const index = items.map((_, i) => i);
  for (let i = index.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index.slice(0, max).sort((a, b) => a - b).map((i) => items[i]!);
}
