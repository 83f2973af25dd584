/** Rate limiter behaviours that mutation testing found unguarded (PRODUCT.md §5). */
import assert from "node:assert/strict";
import { createRateLimiter, rateKey } from "./rate_limiter.ts";

/** A manual clock: `sleep` records the wait and moves time by it. */
function manualClock(startMs = 0) {
  let now = startMs;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    advance: (ms: number) => now += ms,
    sleep: (ms: number) => {
      waits.push(Math.round(ms));
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("after an idle period calls are paced again from now (the slot does not stay in the past)", async () => {
  const clock = manualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  const key = "k";
  await limiter.acquire(key, 10);
  await limiter.acquire(key, 10);
  assert.deepEqual(clock.waits, [100]);
  clock.advance(60_000); // a minute idle
  for (let i = 0; i < 3; i++) await limiter.acquire(key, 10);
  // The first call after the pause goes at once, the next two are paced 100 ms apart.
  assert.deepEqual(clock.waits, [100, 100, 100]);
});

Deno.test("each documented rate paces its own action: 10/s waits 100 ms, 20/s waits 50 ms", async () => {
  const clock = manualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  await limiter.acquire("slow", 10);
  await limiter.acquire("slow", 10);
  await limiter.acquire("fast", 20);
  await limiter.acquire("fast", 20);
  assert.deepEqual(clock.waits, [100, 50]);
  assert.equal(createRateLimiter({ deps: clock }).effectiveRate(10), 9); // 0.9 headroom
});

Deno.test("the bucket key holds every part: service, action, region and SecretId", () => {
  const base = {
    service: "trocket",
    action: "CreateTopic",
    region: "ap-guangzhou",
    secretId: "AKID1",
  };
  const keys = new Set([
    rateKey(base),
    rateKey({ ...base, service: "apigateway" }),
    rateKey({ ...base, action: "DeleteTopic" }),
    rateKey({ ...base, region: "ap-shanghai" }),
    rateKey({ ...base, secretId: "AKID2" }),
  ]);
  assert.equal(keys.size, 5);
  assert.equal(rateKey(base), "trocket\u0000CreateTopic\u0000ap-guangzhou\u0000AKID1");
});

Deno.test("two credentials do not share a bucket: neither waits for the other", async () => {
  const clock = manualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  const key = (secretId: string) =>
    rateKey({ service: "trocket", action: "CreateTopic", region: "ap-guangzhou", secretId });
  await limiter.acquire(key("AKID1"), 10);
  await limiter.acquire(key("AKID2"), 10);
  assert.deepEqual(clock.waits, []);
});

Deno.test("burst: that many calls go at once, then pacing starts", async () => {
  const clock = manualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1, burst: 3 });
  for (let i = 0; i < 5; i++) await limiter.acquire("k", 10);
  assert.deepEqual(clock.waits, [100, 100]);
});

Deno.test("waits of 1 ms or more are slept; only sub-millisecond ones are skipped", async () => {
  const clock = manualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  await limiter.acquire("ms", 600); // 1.67 ms apart
  await limiter.acquire("ms", 600);
  await limiter.acquire("sub", 2000); // 0.5 ms apart: below the clock's resolution
  await limiter.acquire("sub", 2000);
  assert.deepEqual(clock.waits, [2]);
});

Deno.test("a scale that is not a positive finite number, or a headroom outside (0, 1], is refused", () => {
  const deps = { now: () => 0, sleep: () => Promise.resolve(), random: Math.random, fetch };
  for (const scale of [0, -1, Number.NaN, Infinity]) {
    assert.throws(() => createRateLimiter({ deps, scale }), RangeError, `scale ${scale}`);
  }
  for (const headroom of [0, -0.5, 1.01, Number.NaN]) {
    assert.throws(() => createRateLimiter({ deps, headroom }), RangeError, `headroom ${headroom}`);
  }
  // The bounds that are allowed: the whole documented rate, a tiny scale.
  assert.equal(createRateLimiter({ deps, headroom: 1, scale: 0.001 }).effectiveRate(20), 0.02);
  assert.equal(createRateLimiter({ deps }).effectiveRate(20), 18);
});
