import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("RateLimiter: a burst of the limit, then the refill rate", () => {
  let nowMs = 1_000_000;
  const limiter = new RateLimiter({ now: () => nowMs });
  const passed = Array.from({ length: 25 }, () => limiter.tryAcquire("k", 20));
  assert.equal(passed.filter(Boolean).length, 20);
  assert.equal(passed[20], false);
  nowMs += 50; // 20/s → one token per 50 ms
  assert.equal(limiter.tryAcquire("k", 20), true);
  assert.equal(limiter.tryAcquire("k", 20), false);
  nowMs += 1000;
  const again = Array.from({ length: 25 }, () => limiter.tryAcquire("k", 20));
  assert.equal(again.filter(Boolean).length, 20, "the bucket holds at most the limit");
});

Deno.test("RateLimiter: keys are independent; scale multiplies; Infinity disables", () => {
  const nowMs = 0;
  const limiter = new RateLimiter({ now: () => nowMs, scale: 2 });
  let a = 0;
  let b = 0;
  for (let i = 0; i < 100; i++) {
    if (limiter.tryAcquire("a", 10)) a++;
    if (limiter.tryAcquire("b", 5)) b++;
  }
  assert.equal(a, 20);
  assert.equal(b, 10);
  const open = new RateLimiter({ now: () => nowMs, scale: Infinity });
  for (let i = 0; i < 1000; i++) assert.ok(open.tryAcquire("a", 1));
  assert.throws(() => new RateLimiter({ now: () => 0, scale: 0 }), /above 0/);
  limiter.clear();
  assert.ok(limiter.tryAcquire("a", 10));
});
