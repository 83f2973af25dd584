import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseJson, stringifyJson } from "./json.ts";

Deno.test("parseJson keeps uint64 values exact", () => {
  const parsed = parseJson('{"Id":18446744073709551615,"Small":3,"Ratio":1.5}') as Record<
    string,
    unknown
  >;
  assertEquals(parsed.Id, 18446744073709551615n);
  assertEquals(parsed.Small, 3n);
  assertEquals(parsed.Ratio, 1.5);
});

Deno.test("parseJson auto mode returns safe integers as numbers", () => {
  const parsed = parseJson("[1, 9007199254740993, -2]", "auto");
  assertEquals(parsed, [1, 9007199254740993n, -2]);
});

Deno.test("stringifyJson writes bigint as exact digits and round-trips", () => {
  const text = stringifyJson({ Id: 18446744073709551615n, List: [1n, 2] });
  assertEquals(text, '{"Id":18446744073709551615,"List":[1,2]}');
  assertEquals(parseJson(text), { Id: 18446744073709551615n, List: [1n, 2n] });
});
