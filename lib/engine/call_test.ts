/**
 * The rate-limit slot of a call is taken once its request is signed, right before it goes out
 * (issue 14 item 5: signing after the slot, tens of milliseconds on a busy event loop, delayed
 * sends past their slots and several slots' calls reached the server together). Real TC3
 * signer and the emulator; a limiter whose wait moves a test clock.
 */
import assert from "node:assert/strict";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createTencentClient } from "../tencent/client.ts";
import { DEFAULT_RETRY } from "../workflow/defaults.ts";
import { callWithRetry } from "./call.ts";
import type { RateLimiter } from "./rate_limiter.ts";

function fixture(acquire: RateLimiter["acquire"], clock: { ms: number }) {
  const emulator = createEmulator({ now: () => clock.ms });
  const timestamps: number[] = [];
  const deps = {
    ...systemDeps(),
    now: () => clock.ms,
    fetch: (request: Request) => {
      timestamps.push(Number(request.headers.get("x-tc-timestamp")));
      return emulator.handle(request);
    },
  };
  const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } });
  const call = () =>
    callWithRetry(
      {
        deps,
        client,
        rateLimiter: { acquire, effectiveRate: (r) => r },
        emit: () => Promise.resolve(),
      },
      {
        service: "trocket",
        action: "DescribeInstanceList",
        version: "2023-03-08",
        region: "ap-guangzhou",
        spec: undefined,
      },
      { Offset: 0, Limit: 10 },
      { stepId: "s", policy: { ...DEFAULT_RETRY, attempts: 1 } },
    );
  return { emulator, timestamps, call };
}

Deno.test("a call is signed before its rate-limit slot, and sent right after it", async () => {
  const clock = { ms: Date.now() };
  const signedBefore = Math.floor(clock.ms / 1000);
  const keys: string[] = [];
  const f = fixture((key) => {
    keys.push(key);
    clock.ms += 30_000; // the wait for the slot
    return Promise.resolve();
  }, clock);
  const outcome = await f.call();
  assert.equal(outcome.ok, true);
  assert.equal(keys.length, 1, "one slot per request");
  // The request went out after the wait with the signature made before it.
  assert.deepEqual(f.timestamps, [signedBefore]);
  assert.equal(f.emulator.calls()[0]?.timeMs, clock.ms);
});

Deno.test("a failing rate limiter fails the call as it is: nothing sent, no attempt recorded", async () => {
  const clock = { ms: Date.now() };
  const broken = new Error("the rate bucket's database is gone");
  const f = fixture(() => Promise.reject(broken), clock);
  await assert.rejects(f.call(), (e) => e === broken);
  assert.equal(f.emulator.calls().length, 0);
});
