import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { editDistance, suggest } from "./suggest.ts";

Deno.test("editDistance counts edits, transpositions as one, ignoring case", () => {
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("UsagePlanID", "UsagePlanId"), 0);
  assertEquals(editDistance("DescribeTopcList", "DescribeTopicList"), 1);
  assertEquals(editDistance("ab", "ba"), 1);
  assertEquals(editDistance("", "abc"), 3);
});

Deno.test("suggest picks the closest candidate within a third of the word", () => {
  assertEquals(suggest("UsagePlanID", ["UsagePlanId", "UsagePlanName"]), "UsagePlanId");
  assertEquals(suggest("valdate", ["validate", "plan", "run"]), "validate");
  assertEquals(
    suggest("DescribeTopicLst", ["DescribeTopic", "DescribeTopicList"]),
    "DescribeTopicList",
  );
  assertEquals(suggest("zzz", ["validate", "plan"]), undefined);
});
