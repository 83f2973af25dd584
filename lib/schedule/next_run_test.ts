import assert from "node:assert/strict";
import { type Cron, parseCron } from "../workflow/cron.ts";
import { nextRun } from "./next_run.ts";

function cron(text: string): Cron {
  const result = parseCron(text);
  if ("error" in result) throw new Error(result.error);
  return result;
}

function cronIn(text: string, timezone: string): Cron {
  return { ...cron(text), timezone };
}

const at = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const atIso = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("nextRun finds the next matching minute in UTC", () => {
  assert.equal(nextRun(cron("0 3 * * *"), at(2026, 11, 23, 10, 38)), at(2026, 11, 24, 3, 0));
  assert.equal(nextRun(cron("0 3 * * *"), at(2026, 11, 23, 2, 59)), at(2026, 11, 23, 3, 0));
  // strictly after: a time that matches moves on to the next one
  assert.equal(nextRun(cron("0 3 * * *"), at(2026, 11, 23, 3, 0)), at(2026, 11, 24, 3, 0));
  assert.equal(
    nextRun(cron("*/15 * * * *"), at(2026, 1, 1, 0, 14) + 30_000),
    at(2026, 1, 1, 0, 15),
  );
  assert.equal(nextRun(cron("@monthly"), at(2026, 12, 5)), at(2027, 1, 1));
  // 2026-11-23 is a Monday; next Friday 09:30
  assert.equal(nextRun(cron("30 9 * * FRI"), at(2026, 11, 23)), at(2026, 11, 27, 9, 30));
  // Feb 29 only in leap years
  assert.equal(nextRun(cron("0 0 29 2 *"), at(2026, 1, 1)), at(2028, 2, 29));
  // day-of-month and day-of-week both restricted: either matches
  assert.equal(nextRun(cron("0 0 13 * FRI"), at(2026, 11, 23)), at(2026, 11, 27));
});

Deno.test("a cron in Asia/Shanghai fires at 03:00 on the Shanghai clock (19:00 UTC)", () => {
  const cron = cronIn("0 3 * * *", "Asia/Shanghai");
  assert.equal(iso(nextRun(cron, atIso("2026-11-23T10:00:00Z"))), "2026-11-23T19:00:00.000Z");
  assert.equal(iso(nextRun(cron, atIso("2026-11-23T19:00:00Z"))), "2026-11-24T19:00:00.000Z");
  // Weekdays are the zone's: Monday 03:00 in Shanghai is Sunday 19:00 UTC.
  const monday = cronIn("0 3 * * MON", "Asia/Shanghai");
  assert.equal(iso(nextRun(monday, atIso("2026-11-25T00:00:00Z"))), "2026-11-29T19:00:00.000Z");
});

Deno.test("daylight saving: a skipped minute does not fire, a repeated one fires once", () => {
  // New York springs forward on 2026-03-08 at 02:00 (02:30 does not exist that day).
  const spring = cronIn("30 2 * * *", "America/New_York");
  assert.equal(iso(nextRun(spring, atIso("2026-03-06T12:00:00Z"))), "2026-03-07T07:30:00.000Z");
  assert.equal(iso(nextRun(spring, atIso("2026-03-07T07:30:00Z"))), "2026-03-09T06:30:00.000Z");
  // It falls back on 2026-11-01 at 02:00 (01:30 happens at 05:30 and 06:30 UTC): once.
  const fall = cronIn("30 1 * * *", "America/New_York");
  assert.equal(iso(nextRun(fall, atIso("2026-10-31T12:00:00Z"))), "2026-11-01T05:30:00.000Z");
  assert.equal(iso(nextRun(fall, atIso("2026-11-01T05:30:00Z"))), "2026-11-02T06:30:00.000Z");
});

Deno.test("every schedule validation accepts has a next fire (classic forms: 5/20, 7 for Sunday, ?, names)", () => {
  const from = at(2026, 11, 23);
  assert.equal(nextRun(cron("5/20 * * * *"), from), at(2026, 11, 23, 0, 5));
  assert.equal(nextRun(cron("0 0 * * 7"), from), at(2026, 11, 29));
  assert.equal(nextRun(cron("0 12 ? * mon-fri"), from), at(2026, 11, 23, 12));
  assert.equal(nextRun(cron("@midnight"), from), at(2026, 11, 24));
  assert.equal(nextRun(cron("0 0 1 jan *"), from), at(2027, 1, 1));
});
