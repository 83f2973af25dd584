import assert from "node:assert/strict";
import { type Cron, nextRun, parseCron } from "./cron.ts";

function cron(text: string): Cron {
  const result = parseCron(text);
  if ("error" in result) throw new Error(result.error);
  return result;
}

const at = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

Deno.test("parseCron reads fields, ranges, lists, steps and names", () => {
  const c = cron("*/15 9-17 1,15 JAN-MAR mon-fri");
  assert.deepEqual([...c.minutes], [0, 15, 30, 45]);
  assert.deepEqual([...c.hours], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...c.daysOfMonth], [1, 15]);
  assert.deepEqual([...c.months], [1, 2, 3]);
  assert.deepEqual([...c.daysOfWeek], [1, 2, 3, 4, 5]);
  assert.deepEqual([...cron("0 0 * * 7").daysOfWeek], [0]);
  assert.deepEqual([...cron("5/20 * * * *").minutes], [5, 25, 45]);
  assert.deepEqual([...cron("0-10/5 * * * *").minutes], [0, 5, 10]);
});

Deno.test("parseCron expands macros", () => {
  assert.deepEqual([...cron("@daily").hours], [0]);
  assert.deepEqual([...cron("@hourly").minutes], [0]);
  assert.deepEqual([...cron("@weekly").daysOfWeek], [0]);
  assert.deepEqual([...cron("@yearly").months], [1]);
});

Deno.test("parseCron rejects bad schedules with a message naming the field", () => {
  const cases: Array<[string, RegExp]> = [
    ["61 * * * *", /minute.*61 is out of range 0-59/],
    ["* 24 * * *", /hour/],
    ["* * 0 * *", /day of month/],
    ["* * * 13 *", /month/],
    ["* * * * 8", /day of week/],
    ["* * * *", /5 fields.*got 4/],
    ["* * * * * *", /got 6/],
    ["*/0 * * * *", /step/],
    ["5-1 * * * *", /backwards/],
    ["* * * FOO *", /`FOO` is not a month/],
    ["@reboot", /unknown cron macro/],
    ["0 0 30 2 *", /never runs/],
    ["1,,2 * * * *", /empty/],
  ];
  for (const [text, message] of cases) {
    const result = parseCron(text);
    assert.ok("error" in result, text);
    assert.match(result.error, message, text);
  }
});

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
