import assert from "node:assert/strict";
import {
  catalogTypeOf,
  DOC_MAX_CHARS,
  docSummary,
  docText,
  isMutating,
  serviceVersionFromSdk,
} from "./from_sdk.ts";
import { parseClientDts, parseModels } from "./sdk_dts.ts";

Deno.test("catalogTypeOf maps SDK types", () => {
  const structs = new Set(["Filter"]);
  assert.equal(catalogTypeOf("string", structs), "String");
  assert.equal(catalogTypeOf("boolean", structs), "Boolean");
  assert.equal(catalogTypeOf("number", structs), "Number");
  assert.equal(catalogTypeOf("Array<number | bigint>", structs), "Integer[]");
  assert.equal(catalogTypeOf("Array<Filter>", structs), "Filter[]");
  assert.equal(catalogTypeOf("Array<Array<string>>", structs), "String[][]");
  assert.equal(catalogTypeOf("Unknown", structs), "Any");
  assert.equal(catalogTypeOf("any", structs), "Any");
});

Deno.test("docSummary keeps the first sentence as plain text", () => {
  assert.equal(docSummary("<p>查询主题。更多说明</p>"), "查询主题。");
  assert.equal(docSummary("见 [Foo](https://x.y/z) 接口\n返回。\n\n第二段"), "见 Foo 接口 返回。");
  assert.equal(docSummary("  \n "), undefined);
  const long = docSummary("长".repeat(500))!;
  assert.equal(long.length, DOC_MAX_CHARS);
  assert.ok(long.endsWith("…"));
});

Deno.test("isMutating follows the read-only prefixes", () => {
  for (const a of ["DescribeX", "ListX", "GetX", "QueryX", "CheckX", "InquiryPriceX"]) {
    assert.equal(isMutating(a), false, a);
  }
  for (const a of ["CreateX", "DeleteX", "ImportX", "BindEnvironment"]) {
    assert.equal(isMutating(a), true, a);
  }
});

Deno.test("serviceVersionFromSdk builds actions and structures", () => {
  const models = parseModels(`export interface DescribeThingsRequest {
    ClientToken?: string;
    Offset?: number;
    Limit?: number;
}
export interface DescribeThingsResponse {
    /**
     * 总数
     */
    TotalCount?: number;
    /**
     * 列表
注意：此字段可能返回 null，表示取不到有效值。
     */
    Things?: Array<Thing>;
    RequestId?: string;
}
export interface Thing {
    Id: string;
}
`);
  const actions = parseClientDts(
    `    DescribeThings(req: DescribeThingsRequest, cb?: (error: string, rep: DescribeThingsResponse) => void): Promise<DescribeThingsResponse>;`,
  );
  const sv = serviceVersionFromSdk({
    service: "demo",
    version: "2020-01-01",
    host: "demo.tencentcloudapi.com",
    actions,
    interfaces: models,
  });
  assert.deepEqual(Object.keys(sv.structures), ["Thing"]);
  const a = sv.actions["DescribeThings"]!;
  assert.equal(a.clientToken, true);
  assert.equal(a.mutating, false);
  assert.equal(a.source, "sdk");
  assert.deepEqual(a.outputs.map((o) => [o.name, o.type, o.required]), [
    ["TotalCount", "Number", true],
    ["Things", "Thing[]", false],
  ]);
  assert.equal(a.pagination?.list, "Things");
});

Deno.test("docText keeps the whole documentation, an enumeration's values on their lines", () => {
  const raw =
    "实例类型，枚举值如下：\n  \n  - EXPERIMENT：体验版\n  \n  - BASIC：基础版\n  \n  - PRO：专业版";
  assert.equal(docSummary(raw), "实例类型，枚举值如下：");
  assert.equal(
    docText(raw),
    "实例类型，枚举值如下：\n- EXPERIMENT：体验版\n- BASIC：基础版\n- PRO：专业版",
  );
  assert.equal(
    docText("<ul><li>0：后付费</li><li>1：预付费</li></ul>"),
    "- 0：后付费\n- 1：预付费",
  );
  assert.equal(docText("查询主题。"), undefined); // no more than the summary
});
