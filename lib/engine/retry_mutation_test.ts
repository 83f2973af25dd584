/** The documented retry defaults and backoff, compared with literal values (PRODUCT.md §5). */
import assert from "node:assert/strict";
import { DEFAULT_RETRY, effectiveRetry, nextDelayMs } from "./retry.ts";

Deno.test("the default policy: 5 attempts, 1 s doubling up to 20 s, full jitter", () => {
  assert.deepEqual({ ...DEFAULT_RETRY }, {
    attempts: 5,
    delayMs: 1000,
    maxDelayMs: 20_000,
    multiplier: 2,
    jitter: "full",
    on: [],
  });
  assert.deepEqual(effectiveRetry(undefined, undefined), { ...DEFAULT_RETRY, on: [] });
});

Deno.test("backoff without jitter: 1, 2, 4, 8, 16, then capped at 20 s", () => {
  const policy = { ...DEFAULT_RETRY, jitter: "none" as const };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextDelayMs(policy, attempt, () => 0.5)),
    [1000, 2000, 4000, 8000, 16000, 20000, 20000],
  );
  assert.equal(nextDelayMs(policy, 0, () => 0.5), 1000, "attempt 0 is treated as the first");
});

Deno.test("jitter: full is uniform in [0, d), equal is d/2 + uniform in [0, d/2)", () => {
  const full = { ...DEFAULT_RETRY, jitter: "full" as const };
  const equal = { ...DEFAULT_RETRY, jitter: "equal" as const };
  assert.equal(nextDelayMs(full, 3, () => 0), 0);
  assert.equal(nextDelayMs(full, 3, () => 0.5), 2000);
  assert.equal(nextDelayMs(full, 3, () => 0.9999), 3999);
  assert.equal(nextDelayMs(equal, 3, () => 0), 2000);
  assert.equal(nextDelayMs(equal, 3, () => 0.5), 3000);
  assert.equal(nextDelayMs(equal, 3, () => 0.9999), 3999);
});

Deno.test("the step's policy wins over the defaults as a whole; on codes are merged", () => {
  const defaults = { ...DEFAULT_RETRY, attempts: 3, on: ["A"] };
  const step = { ...DEFAULT_RETRY, attempts: 7, on: ["B", "A"] };
  assert.deepEqual(effectiveRetry(step, defaults), { ...step, on: ["A", "B"] });
  assert.deepEqual(effectiveRetry(undefined, defaults), { ...defaults, on: ["A"] });
});
