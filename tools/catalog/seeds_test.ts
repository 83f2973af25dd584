import assert from "node:assert/strict";
import { normalizeLines, parseSeed } from "./seeds.ts";

const TAB = [
  "查询东西",
  "1. 接口描述",
  "接口请求域名：demo.tencentcloudapi.com。",
  "查询东西列表。",
  "默认接口请求频率限制：50次/秒。",
  "2. 输入参数",
  "参数名称\t必选\t类型\t描述",
  "Action\t是\tString\t公共参数 ，本接口取值：DescribeThings。",
  "InstanceId\t是\tString\t实例ID 示例值：ins-1",
  "Filters.N\t否\tArray of Filter\t过滤",
  "3. 输出参数",
  "参数名称\t类型\t描述",
  "TotalCount\tInteger\t总数 注意：此字段可能返回 null，表示取不到有效值。",
  "RequestId\tString\t唯一请求 ID",
  "6. 错误码",
  "错误码\t描述",
  "ResourceNotFound.Instance\t实例不存在。",
  "数据结构",
  "Filter",
  "",
  "过滤器",
  "",
  "被如下接口引用：DescribeThings。",
  "",
  "名称\t类型\t必选\t描述",
  "Name\tString\t是\t名",
  "",
  "名称\t类型\t必选\t描述",
  "Values\tArray of String\t否\t值",
].join("\n");

Deno.test("parseSeed reads a tab-separated document", () => {
  const doc = parseSeed("demo-2020-01-01-api.txt", TAB)!;
  assert.equal(doc.service, "demo");
  assert.equal(doc.version, "2020-01-01");
  assert.equal(doc.host, "demo.tencentcloudapi.com");
  const a = doc.actions.get("DescribeThings")!;
  assert.equal(a.rateLimitPerS, 50);
  assert.equal(a.doc, "查询东西列表。");
  assert.deepEqual(a.inputs.map((f) => [f.name, f.type, f.required, f.example]), [
    ["InstanceId", "String", true, "ins-1"],
    ["Filters", "Filter[]", false, undefined],
  ]);
  assert.deepEqual(a.outputs.map((f) => [f.name, f.type, f.nullable]), [[
    "TotalCount",
    "Integer",
    true,
  ]]);
  assert.deepEqual(a.errors, { "ResourceNotFound.Instance": "实例不存在。" });
  assert.deepEqual(doc.structures.get("Filter")!.fields.map((f) => [f.name, f.type, f.required]), [
    ["Name", "String", true],
    ["Values", "String[]", false],
  ]);
});

Deno.test("normalizeLines turns pipe tables into tab cells", () => {
  assert.deepEqual(
    normalizeLines("## 2. 输入参数\n| 参数名称 | 必选 |\n|---|---|\n| Port | 否 |\nFoo | Bar |"),
    ["2. 输入参数", "参数名称\t必选", "Port\t否", "Foo\tBar"],
  );
});

const PDF = [
  " 1. 接口描述",
  "接口请求域名： demo.tencentcloudapi.com 。",
  "本接口（CreateThing）用于创建。",
  "默认接口请求频率限制：20次/秒。",
  "2. 输入参数",
  "参数名称 必选 类型 描述",
  "Action 是 String 公共参数，本接口取值：CreateThing。",
  "Name 是 String",
  "名称。",
  "",
  "Parts.N 否",
  "Array of",
  "",
  "Part",
  "部件。",
  "https://cloud.tencent.com/document/api/1/2",
  "Open API is not a row",
  "3. 输出参数",
  "参数名称 类型 描述",
  "CreatedTime",
  "Timestamp",
  "",
  "ISO8601",
  "创建时间。",
  "4. 示例",
  "Part",
  "",
  "Part",
  "",
  "被如下接口引用：CreateThing。",
  "",
  "名称 类型 必选 描述",
  "Size Integer 否 大小",
].join("\n");

Deno.test("parseSeed reads PDF-extracted rows that wrap over lines", () => {
  const doc = parseSeed("demo-2020-01-01-api.txt", PDF)!;
  const a = doc.actions.get("CreateThing")!;
  assert.deepEqual(a.inputs.map((f) => [f.name, f.type, f.required]), [
    ["Name", "String", true],
    ["Parts", "Part[]", false],
  ]);
  assert.equal(a.inputs[1]!.doc, "部件。 Open API is not a row");
  assert.deepEqual(a.outputs.map((f) => [f.name, f.type]), [["CreatedTime", "Timestamp"]]);
  // The structure's doc is the identifier `Part`; its name is the line before.
  assert.deepEqual(doc.structures.get("Part")!.fields.map((f) => [f.name, f.type]), [[
    "Size",
    "Integer",
  ]]);
});

Deno.test("parseSeed keeps error rows whose description wraps, across a page break", () => {
  const text = [
    "1. 接口描述",
    "接口请求域名： demo.tencentcloudapi.com 。",
    "本接口（DeleteThing）用于删除东西。",
    "2. 输入参数",
    "参数名称 必选 类型 描述",
    "Action 是 String 公共参数，本接口取值：DeleteThing。",
    "5. 错误码",
    "错误码 描述",
    "FailedOperation.Busy 忙。",
    "InternalError.CamException",
    "CAM内部请求错误，请稍后重试。若无法解决，请联系智能客服或提交工",
    "",
    "单。",
    "https://cloud.tencent.com/document/api/628/45245",
    "",
    "API 网关",
    "",
    "版权所有：腾讯云计算（北京）有限责任公司 第103 共455页",
    "",
    "错误码 描述",
    "InvalidParameterValue.InvalidServiceType",
    "后端服务类型错误。WEBSOCKET类型的后端服务，前端协议需要配置为",
    "",
    "WEBSOCKET。",
    "ResourceNotFound.InvalidService 对应服务不可见。",
  ].join("\n");
  const a = parseSeed("demo-2020-01-01-api.txt", text)!.actions.get("DeleteThing")!;
  assert.deepEqual(a.errors, {
    "FailedOperation.Busy": "忙。",
    "InternalError.CamException":
      "CAM内部请求错误，请稍后重试。若无法解决，请联系智能客服或提交工单。",
    "InvalidParameterValue.InvalidServiceType":
      "后端服务类型错误。WEBSOCKET类型的后端服务，前端协议需要配置为WEBSOCKET。",
    "ResourceNotFound.InvalidService": "对应服务不可见。",
  });
});
