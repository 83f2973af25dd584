import assert from "node:assert/strict";
import { isTimeZone } from "./cron_zone.ts";

Deno.test("time zone names: IANA names and UTC, nothing else", () => {
  assert.ok(isTimeZone("Asia/Shanghai"));
  assert.ok(isTimeZone("UTC"));
  assert.equal(isTimeZone("Mars/Olympus"), false);
  assert.equal(isTimeZone(""), false);
});
