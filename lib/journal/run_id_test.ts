import assert from "node:assert/strict";
import { isRunId, newRunId } from "./run_id.ts";

Deno.test("newRunId: UTC start second and six random characters", () => {
  const id = newRunId({ now: () => Date.UTC(2026, 10, 23, 10, 45, 12, 999), random: () => 0 });
  assert.equal(id, "20261123T104512Z-000000");
  const last = newRunId({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5), random: () => 0.999999 });
  assert.equal(last, "20260102T030405Z-zzzzzz");
});

Deno.test("newRunId: ids sort by start time", () => {
  let r = 0.9;
  const random = () => (r = (r * 7.3) % 1);
  const times = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 1), Date.UTC(2026, 5, 1)];
  const ids = times.map((t) => newRunId({ now: () => t, random }));
  assert.deepEqual([...ids].sort(), ids);
});

Deno.test("isRunId: safe directory names only", () => {
  assert.equal(isRunId("20261123T104512Z-7f3k2a"), true);
  assert.equal(isRunId("20261123-104501-k3x9q2"), true);
  for (const bad of ["", "../x", "a/b", ".hidden", "a..b", "x".repeat(129), "a b"]) {
    assert.equal(isRunId(bad), false, bad);
  }
});
