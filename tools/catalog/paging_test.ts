import assert from "node:assert/strict";
import type { Field, Structure } from "../../lib/catalog/types.ts";
import { classifyPaging, maxLimitOf, offsetIsPageNumber, pageBaseOf } from "./paging.ts";

const f = (name: string, type: string, doc?: string, deprecated?: boolean): Field => ({
  name,
  type,
  required: false,
  ...(doc === undefined ? {} : { doc }),
  ...(deprecated ? { deprecated } : {}),
});
const item: Structure = { name: "Item", fields: [f("Id", "String")] };

Deno.test("maxLimitOf reads documented maxima in their usual phrasings", () => {
  assert.equal(maxLimitOf("每页数量，默认10。最大1000"), 1000);
  assert.equal(maxLimitOf("返回数量，默认为10，最大值为100。"), 100);
  // Missed before: ckafka.DescribeConsumerGroup documents "最大支持50".
  assert.equal(maxLimitOf("返回消费组的限制数量，最大支持50"), 50);
  assert.equal(maxLimitOf("<p>取值范围：[1, 100]</p>"), 100);
  assert.equal(maxLimitOf("分页返回，每页返回的数目，取值为1-100，默认值为100"), 100);
  assert.equal(maxLimitOf("<p>分页尺寸（必填），上限 100</p>"), 100);
  assert.equal(maxLimitOf("单次最多返回20条"), 20);
  assert.equal(maxLimitOf("默认20。"), undefined);
});

Deno.test("offsetIsPageNumber and pageBaseOf read the Offset documentation", () => {
  assert.equal(offsetIsPageNumber("分页返回，页编号，默认值为第0页"), true); // sqlserver
  assert.equal(offsetIsPageNumber("页数，默认值为1 补充说明：offset指的是具体第几页。"), true); // tcr
  assert.equal(offsetIsPageNumber("偏移量，默认为0。"), false);
  // redis.DescribeSlowLog names the page only in its formula: an item offset.
  assert.equal(
    offsetIsPageNumber("慢查询条数的偏移量。取Limit整数倍。offset=limit*(页码-1)。"),
    false,
  );
  assert.equal(pageBaseOf("分页返回，页编号，默认值为第0页"), 0);
  assert.equal(pageBaseOf("<p>分页页码（必填），从 0 开始</p>"), 0);
  assert.equal(pageBaseOf("页码，第一页:0，第二页:1"), 0);
  assert.equal(pageBaseOf("页码，默认为1"), 1);
  assert.equal(pageBaseOf("页码"), 1);
});

Deno.test("classifyPaging: item offset with the total, list and declared types", () => {
  const c = classifyPaging({
    inputs: [f("Offset", "String", "偏移量，默认为0。"), f("Limit", "String", "最大值为100。")],
    outputs: [f("TotalCount", "Number", "符合条件的对象数。"), f("VpcSet", "Item[]", "VPC对象。")],
    structures: { Item: item },
  });
  assert.deepEqual(c, {
    pagination: {
      style: "offset",
      offset: "Offset",
      offsetType: "String",
      limit: "Limit",
      limitType: "String",
      total: "TotalCount",
      list: "VpcSet",
      maxLimit: 100,
    },
  });
});

Deno.test("classifyPaging: Offset documented as a page number is the page style", () => {
  const c = classifyPaging({
    inputs: [f("Offset", "Integer", "分页返回，页编号，默认值为第0页"), f("Limit", "Integer")],
    outputs: [f("TotalCount", "Integer"), f("DBInstances", "Item[]", "实例列表")],
    structures: { Item: item },
  });
  assert.ok(c !== undefined && "pagination" in c);
  assert.equal(c.pagination.style, "page");
  assert.equal(c.pagination.base, 0);
});

Deno.test("classifyPaging: PageNumber/PageSize, deprecated fields skipped", () => {
  // ccc.DescribeTelCdr: Offset/Limit and TelCdrs are deprecated.
  const c = classifyPaging({
    inputs: [
      f("PageSize", "Number", "分页尺寸（必填），上限 100"),
      f("PageNumber", "Number", "分页页码（必填），从 0 开始"),
      f("Limit", "Number", "返回数据条数，上限（废弃）", true),
      f("Offset", "Number", "偏移（废弃）", true),
    ],
    outputs: [
      f("TotalCount", "Number"),
      f("TelCdrs", "Item[]", "话单记录", true),
      f("TelCdrList", "Item[]", "话单记录"),
    ],
    structures: { Item: item },
  });
  assert.ok(c !== undefined && "pagination" in c);
  assert.deepEqual(
    [c.pagination.style, c.pagination.offset, c.pagination.limit, c.pagination.base],
    ["page", "PageNumber", "PageSize", 0],
  );
  assert.equal(c.pagination.list, "TelCdrList");
  assert.equal(c.pagination.maxLimit, 100);
});

Deno.test("classifyPaging: the list the total counts, not the first array", () => {
  // cwp.DescribeWarningHostConfig: "机器列表总数量" counts Quuids.
  const c = classifyPaging({
    inputs: [f("Offset", "Number"), f("Limit", "Number")],
    outputs: [
      f("HostRange", "Number"),
      f("ItemLabels", "String[]", "项目或标签的名称列表，自选主机时为空"),
      f("Quuids", "String[]", "机器列表"),
      f("TotalCount", "Number", "机器列表总数量"),
      f("ExcludedQuuids", "String[]", "需排除的机器列表"),
    ],
    structures: {},
  });
  assert.ok(c !== undefined && "pagination" in c);
  assert.equal(c.pagination.list, "Quuids");
});

Deno.test("classifyPaging: token styles find the next token in the response", () => {
  const c = classifyPaging({
    inputs: [f("Cursor", "String"), f("Limit", "Number")],
    outputs: [f("Messages", "Item[]"), f("NextCursor", "String"), f("HasMore", "Boolean")],
    structures: { Item: item },
  });
  assert.ok(c !== undefined && "pagination" in c);
  assert.deepEqual(
    [c.pagination.style, c.pagination.offset, c.pagination.next, c.pagination.more],
    ["token", "Cursor", "NextCursor", "HasMore"],
  );
  assert.equal(c.pagination.total, "");
});

Deno.test("classifyPaging: paging fields inside a request structure and a wrapped list", () => {
  const c = classifyPaging({
    inputs: [f("InstanceId", "String"), f("Filter", "Page")],
    outputs: [f("Result", "Res")],
    structures: {
      Item: item,
      Page: { name: "Page", fields: [f("Offset", "Integer"), f("Limit", "Integer")] },
      Res: { name: "Res", fields: [f("Total", "Integer"), f("List", "Item[]")] },
    },
  });
  assert.ok(c !== undefined && "pagination" in c);
  assert.deepEqual(
    [c.pagination.in, c.pagination.within, c.pagination.total, c.pagination.list],
    ["Filter", "Result", "Total", "List"],
  );
});

Deno.test("classifyPaging: candidates that cannot page say why; others are not candidates", () => {
  assert.deepEqual(
    classifyPaging({
      inputs: [f("Offset", "Integer"), f("Limit", "Integer")],
      outputs: [f("Data", "String")],
      structures: {},
    }),
    { notPageable: "no list in the response" },
  );
  assert.deepEqual(
    classifyPaging({
      inputs: [f("Offset", "Integer")],
      outputs: [f("Messages", "Item[]")],
      structures: { Item: item },
    }),
    { notPageable: "Offset without a page-size parameter" },
  );
  assert.equal(
    classifyPaging({ inputs: [f("Limit", "Integer")], outputs: [], structures: {} }),
    undefined,
  );
});

Deno.test("classifyPaging: a page parameter that is a structure, a Count documented as the total", () => {
  // cpdp.QueryFlexFreezeOrderList: `PageNumber: Paging {Index, Count}`, `Result.Count` 总数.
  const c = classifyPaging({
    inputs: [f("PayeeId", "String"), f("PageNumber", "Paging", "分页")],
    outputs: [f("ErrCode", "String"), f("Result", "FreezeOrders")],
    structures: {
      Item: item,
      Paging: { name: "Paging", fields: [f("Index", "Number", "页码"), f("Count", "Number")] },
      FreezeOrders: {
        name: "FreezeOrders",
        fields: [f("List", "Item[]", "列表"), f("Count", "Number", "总数")],
      },
    },
  });
  assert.ok(c !== undefined && "pagination" in c);
  const p = c.pagination;
  assert.deepEqual(
    [p.style, p.in, p.offset, p.limit, p.base, p.within, p.list, p.total],
    ["page", "PageNumber", "Index", "Count", 1, "Result", "List", "Count"],
  );
});
