import assert from "node:assert/strict";
import { type Cron, parseCron } from "./cron.ts";

function cron(text: string): Cron {
  const result = parseCron(text);
  if ("error" in result) throw new Error(result.error);
  return result;
}

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
