import assert from "node:assert/strict";
import { createRateLimiter, rateKey } from "./rate_limiter.ts";
import { createVirtualClock } from "./virtual_clock.ts";

const key = rateKey({
  service: "trocket",
  action: "CreateTopic",
  region: "ap-guangzhou",
  secretId: "AKID",
});

Deno.test("concurrent callers are paced at the rate (with headroom)", async () => {
  const clock = createVirtualClock({ startMs: 1000 });
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      await limiter.acquire(key, 10);
      times.push(clock.now());
    }),
  );
  times.sort((a, b) => a - b);
  assert.equal(times[0], 1000);
  assert.equal(times.at(-1), 1000 + 49 * 100);
  // No 1-second window holds more than 10 calls.
  for (let i = 10; i < times.length; i++) assert.ok(times[i]! - times[i - 10]! >= 1000);
});

Deno.test("headroom and scale change the effective rate", async () => {
  const clock = createVirtualClock();
  const limiter = createRateLimiter({ deps: clock, scale: 2 });
  assert.equal(limiter.effectiveRate(20), 36);
  for (let i = 0; i < 37; i++) await limiter.acquire(key, 20);
  assert.ok(Math.abs(clock.now() - 1000) < 1e-6, `${clock.now()}`);
});

Deno.test("buckets are per key", async () => {
  const clock = createVirtualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  const other = rateKey({
    service: "trocket",
    action: "CreateTopic",
    region: "ap-shanghai",
    secretId: "AKID",
  });
  await limiter.acquire(key, 1);
  await limiter.acquire(other, 1);
  assert.equal(clock.now(), 0);
  await limiter.acquire(key, 1);
  assert.equal(clock.now(), 1000);
});

Deno.test("an aborted wait rejects and gives its slot back", async () => {
  const clock = createVirtualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1 });
  await limiter.acquire(key, 1);
  const controller = new AbortController();
  const waiting = limiter.acquire(key, 1, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  await limiter.acquire(key, 1);
  assert.equal(clock.now(), 1000);
});

Deno.test("burst lets the first calls through at once", async () => {
  const clock = createVirtualClock();
  const limiter = createRateLimiter({ deps: clock, headroom: 1, burst: 5 });
  for (let i = 0; i < 5; i++) await limiter.acquire(key, 10);
  assert.equal(clock.now(), 0);
  await limiter.acquire(key, 10);
  assert.equal(clock.now(), 100);
});

Deno.test("waits under the clock's 1 ms resolution are skipped, the rate still holds", async () => {
  const clock = createVirtualClock();
  let sleeps = 0;
  const deps = {
    now: clock.now,
    sleep: (ms: number, signal?: AbortSignal) => {
      sleeps++;
      return clock.sleep(ms, signal);
    },
  };
  const limiter = createRateLimiter({ deps, headroom: 1 });
  // 10,000/s: a slot every 0.1 ms. The first 10 calls fit in the first millisecond.
  for (let i = 0; i < 10; i++) await limiter.acquire(key, 10_000);
  assert.equal(sleeps, 0);
  assert.equal(clock.now(), 0);
  for (let i = 10; i < 1_000; i++) await limiter.acquire(key, 10_000);
  assert.ok(sleeps > 0);
  // 1,000 calls at 10,000/s: the last one starts no earlier than 99 ms minus the 1 ms tolerance.
  assert.ok(clock.now() >= 98, `${clock.now()}`);
});
