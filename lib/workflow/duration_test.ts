import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration reads single units", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("5s"), 5_000);
  assert.equal(parseDuration("10m"), 600_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("1d"), 86_400_000);
  assert.equal(parseDuration("0s"), 0);
});

Deno.test("parseDuration reads combined and decimal durations", () => {
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("1m30s250ms"), 90_250);
  assert.equal(parseDuration("1.5s"), 1_500);
  assert.equal(parseDuration(" 2s "), 2_000);
});

Deno.test("parseDuration rejects what is not a duration", () => {
  for (const bad of ["", "30", "5 s", "5sec", "1m1h", "5s5s", "-5s", "s", "1.s", "5S", "1h 30m"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});

Deno.test("formatDuration writes what parseDuration reads back", () => {
  for (const ms of [0, 1, 999, 1_000, 61_000, 5_400_000, 90_061_001]) {
    assert.equal(parseDuration(formatDuration(ms)), ms);
  }
  assert.equal(formatDuration(5_400_000), "1h30m");
});
