import assert from "node:assert/strict";
import type { RetryPolicy } from "../workflow/model.ts";
import { DEFAULT_RETRY, effectiveRetry, nextDelayMs } from "./retry.ts";

const policy: RetryPolicy = {
  attempts: 6,
  delayMs: 100,
  maxDelayMs: 1000,
  multiplier: 3,
  jitter: "none",
  on: [],
};

Deno.test("exponential and capped without jitter", () => {
  const delays = [1, 2, 3, 4, 5].map((n) => nextDelayMs(policy, n, () => 0.5));
  assert.deepEqual(delays, [100, 300, 900, 1000, 1000]);
});

Deno.test("full jitter is uniform in [0, d)", () => {
  const full = { ...policy, jitter: "full" as const };
  assert.equal(nextDelayMs(full, 2, () => 0), 0);
  assert.equal(nextDelayMs(full, 2, () => 0.5), 150);
  assert.equal(nextDelayMs(full, 2, () => 0.999999), 299);
});

Deno.test("equal jitter is in [d/2, d)", () => {
  const equal = { ...policy, jitter: "equal" as const };
  assert.equal(nextDelayMs(equal, 3, () => 0), 450);
  assert.equal(nextDelayMs(equal, 3, () => 0.999999), 899);
});

Deno.test("huge attempt numbers stay capped", () => {
  assert.equal(nextDelayMs(policy, 5000, () => 0.5), 1000);
});

Deno.test("effective policy: step over defaults over DEFAULT_RETRY, on merged", () => {
  assert.deepEqual(effectiveRetry(undefined, undefined), { ...DEFAULT_RETRY, on: [] });
  const defaults = { ...policy, on: ["A"] };
  assert.equal(effectiveRetry(undefined, defaults).attempts, 6);
  const step = { ...DEFAULT_RETRY, attempts: 2, on: ["B"] };
  const merged = effectiveRetry(step, defaults);
  assert.equal(merged.attempts, 2);
  assert.deepEqual(merged.on, ["A", "B"]);
});
