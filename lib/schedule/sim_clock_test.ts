import assert from "node:assert/strict";
import { parseSimClock, simulated } from "./sim_clock.ts";

Deno.test("sim clock: start at a real time, N times faster; sleeps are N times shorter", async () => {
  const clock = parseSimClock("start=2026-12-04T06:00:00Z;at=1000000;speed=20");
  assert.ok(!("error" in clock));
  let real = 1_000_000 - 3000;
  const slept: number[] = [];
  const deps = simulated({
    now: () => real,
    sleep: (ms) => {
      slept.push(ms);
      real += ms;
      return Promise.resolve();
    },
  }, clock);
  assert.equal(new Date(deps.now()).toISOString(), "2026-12-04T05:59:00.000Z");
  await deps.sleep(60_000);
  assert.deepEqual(slept, [3000]);
  assert.equal(new Date(deps.now()).toISOString(), "2026-12-04T06:00:00.000Z");
});

Deno.test("sim clock: a malformed setting names the variable and the form", () => {
  for (const text of ["", "start=yesterday;at=1;speed=2", "start=2026-12-04T06:00:00Z;at=1"]) {
    const parsed = parseSimClock(text);
    assert.ok("error" in parsed);
    assert.match(parsed.error, /TCFLOW_SCHEDULE_CLOCK must read start=<ISO time>;at=<epoch ms>/);
  }
});
