import assert from "node:assert/strict";
import { createVirtualClock } from "./virtual_clock.ts";

Deno.test("time jumps to the earliest timer, in order", async () => {
  const clock = createVirtualClock({ startMs: 100 });
  const order: string[] = [];
  await Promise.all([
    clock.sleep(300).then(() => order.push(`b@${clock.now()}`)),
    clock.sleep(100).then(() => order.push(`a@${clock.now()}`)),
    clock.sleep(20_000).then(() => order.push(`c@${clock.now()}`)),
  ]);
  assert.deepEqual(order, ["a@200", "b@400", "c@20100"]);
});

Deno.test("hold stops time until released; aborted sleeps reject", async () => {
  const clock = createVirtualClock({ settleTicks: 2 });
  clock.hold();
  let fired = false;
  const sleeping = clock.sleep(1000).then(() => (fired = true));
  // Ten turns of the event loop, not a wall-clock wait: without the hold, time would move on
  // the third (two quiet ticks, then the timer fires).
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(fired, false);
  assert.equal(clock.now(), 0);
  clock.release();
  await sleeping;
  assert.equal(clock.now(), 1000);
  const controller = new AbortController();
  const aborted = clock.sleep(5000, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  assert.equal(clock.pending(), 0);
  clock.advance(10);
  assert.equal(clock.now(), 1010);
});

Deno.test("timers due at the same time fire in the order they were set, and together", async () => {
  const clock = createVirtualClock({ startMs: 0 });
  const order: string[] = [];
  const names = ["first", "second", "third", "fourth"];
  await Promise.all(
    names.map((name) => clock.sleep(500).then(() => order.push(`${name}@${clock.now()}`))),
  );
  assert.deepEqual(order, names.map((n) => `${n}@500`));
  // A later timer set first still waits for its own time.
  const later: string[] = [];
  await Promise.all([
    clock.sleep(300).then(() => later.push(`x@${clock.now()}`)),
    clock.sleep(100).then(() => later.push(`y@${clock.now()}`)),
    clock.sleep(100).then(() => later.push(`z@${clock.now()}`)),
  ]);
  assert.deepEqual(later, ["y@600", "z@600", "x@800"]);
});
