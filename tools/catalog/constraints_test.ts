import assert from "node:assert/strict";
import { documentedConstraints } from "./constraints.ts";

Deno.test("documented ranges of numbers", () => {
  assert.deepEqual(documentedConstraints("Integer", "队列数量，取值范围3～16"), {
    min: 3,
    max: 16,
  });
  assert.deepEqual(documentedConstraints("Number", "取值范围：[0, 100]"), { min: 0, max: 100 });
  assert.deepEqual(documentedConstraints("Number", "优先级，取值范围是 -10 到 10"), {
    min: -10,
    max: 10,
  });
  assert.deepEqual(documentedConstraints("Integer[]", "取值:0-100"), { min: 0, max: 100 });
  // A date is no range; a string's range is not a number's.
  assert.deepEqual(documentedConstraints("Number", "取值范围2024-01"), {});
  assert.deepEqual(documentedConstraints("String", "取值范围3～16"), {});
  assert.deepEqual(documentedConstraints("Number", "数量"), {});
});

Deno.test("documented enumerations of strings: closed lists only", () => {
  assert.deepEqual(documentedConstraints("String", "排序方式，可选值：ASC、DESC。"), {
    enum: ["ASC", "DESC"],
  });
  assert.deepEqual(
    documentedConstraints(
      "String",
      "类型，取值：<li>Preset：系统预置模板；</li><li>Custom：用户自定义模板。</li>",
    ),
    { enum: ["Preset", "Custom"] },
  );
  assert.deepEqual(documentedConstraints("String[]", "可选值：IKEV1, IKEV2"), {
    enum: ["IKEV1", "IKEV2"],
  });
  // Open lists are not enumerations.
  assert.deepEqual(documentedConstraints("String", "语言，可选值：en、ja等。"), {});
  assert.deepEqual(
    documentedConstraints(
      "String",
      "取值：<li>A：甲；</li><li>B：乙；</li><li>其他值：保留。</li>",
    ),
    {},
  );
  assert.deepEqual(documentedConstraints("String", "实例名称"), {});
});
