import assert from "node:assert/strict";
import { nextRun, parseCron } from "./cron.ts";
import { isTimeZone, zoneOffsetMs } from "./cron_zone.ts";

function cronIn(text: string, timezone: string) {
  const cron = parseCron(text);
  if ("error" in cron) throw new Error(cron.error);
  return { ...cron, timezone };
}

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("a cron in Asia/Shanghai fires at 03:00 on the Shanghai clock (19:00 UTC)", () => {
  const cron = cronIn("0 3 * * *", "Asia/Shanghai");
  assert.equal(iso(nextRun(cron, at("2026-11-23T10:00:00Z"))), "2026-11-23T19:00:00.000Z");
  assert.equal(iso(nextRun(cron, at("2026-11-23T19:00:00Z"))), "2026-11-24T19:00:00.000Z");
  assert.equal(zoneOffsetMs("Asia/Shanghai", at("2026-11-23T10:00:00Z")), 8 * 3_600_000);
  // Weekdays are the zone's: Monday 03:00 in Shanghai is Sunday 19:00 UTC.
  const monday = cronIn("0 3 * * MON", "Asia/Shanghai");
  assert.equal(iso(nextRun(monday, at("2026-11-25T00:00:00Z"))), "2026-11-29T19:00:00.000Z");
});

Deno.test("daylight saving: a skipped minute does not fire, a repeated one fires once", () => {
  // New York springs forward on 2026-03-08 at 02:00 (02:30 does not exist that day).
  const spring = cronIn("30 2 * * *", "America/New_York");
  assert.equal(iso(nextRun(spring, at("2026-03-06T12:00:00Z"))), "2026-03-07T07:30:00.000Z");
  assert.equal(iso(nextRun(spring, at("2026-03-07T07:30:00Z"))), "2026-03-09T06:30:00.000Z");
  // It falls back on 2026-11-01 at 02:00 (01:30 happens at 05:30 and 06:30 UTC): once.
  const fall = cronIn("30 1 * * *", "America/New_York");
  assert.equal(iso(nextRun(fall, at("2026-10-31T12:00:00Z"))), "2026-11-01T05:30:00.000Z");
  assert.equal(iso(nextRun(fall, at("2026-11-01T05:30:00Z"))), "2026-11-02T06:30:00.000Z");
});

Deno.test("time zone names: IANA names and UTC, nothing else", () => {
  assert.ok(isTimeZone("Asia/Shanghai"));
  assert.ok(isTimeZone("UTC"));
  assert.equal(isTimeZone("Mars/Olympus"), false);
  assert.equal(isTimeZone(""), false);
});
