/**
 * Seeded randomness for the differential signer tests: a mulberry32 PRNG and generators of the
 * awkward values signers get wrong (unicode, reserved characters, hosts with ports).
 *
 * @module
 */

/** A reproducible source of random values. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
}

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => items[int(0, items.length - 1)]!,
    chance: (p) => next() < p,
  };
}

/** The seed of this run: `SIGNER_TEST_SEED` from the environment, else a fresh random one. */
export function testSeed(): number {
  const fromEnv = Deno.env.get("SIGNER_TEST_SEED");
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv) >>> 0;
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

const POOLS: readonly string[] = [
  "abcdefghijklmnopqrstuvwxyz",
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
  "未命名订单支付审计日志延迟任务",
  "éàüßøñçÅ",
  "\t\n\r\u0000\u0001\u007f",
  "😀🚀🧪👩‍💻",
];

/** A random string of up to maxLength code points drawn from mixed pools (ASCII, CJK, emoji…). */
export function randomText(rng: Rng, maxLength: number): string {
  const length = rng.int(0, maxLength);
  let out = "";
  for (let i = 0; i < length; i++) {
    const chars = [...rng.pick(POOLS)];
    out += rng.pick(chars);
  }
  return out;
}

/** A random `[a-z][a-z0-9]*` identifier. */
export function randomName(rng: Rng, min = 2, max = 12): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const alnum = letters + "0123456789";
  let out = letters[rng.int(0, 25)]!;
  const length = rng.int(min, max);
  while (out.length < length) out += alnum[rng.int(0, alnum.length - 1)];
  return out;
}

/** A random lower-case host, sometimes an IP or with a port. */
export function randomHost(rng: Rng): string {
  const base = rng.pick([
    () => `${randomName(rng)}.tencentcloudapi.com`,
    () =>
      `${randomName(rng)}.${
        rng.pick(["ap-guangzhou", "ap-shanghai", "na-ashburn"])
      }.tencentcloudapi.com`,
    () => `${rng.int(1, 254)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    () => "localhost",
    () => `${randomName(rng)}-${randomName(rng)}.internal`,
  ])();
  return rng.chance(0.4) ? `${base}:${rng.int(1, 65535)}` : base;
}
