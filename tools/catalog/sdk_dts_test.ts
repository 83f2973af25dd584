import assert from "node:assert/strict";
import { parseClientDts, parseClientHost, parseModels, versionFromDir } from "./sdk_dts.ts";

const MODELS = `/**
 * DescribeThings请求参数结构体
 */
export interface DescribeThingsRequest {
    /**
     * 实例 ID，从 [DescribeInstances](https://example.com) 获得。
     */
    InstanceId: string;
    /**
     * 过滤器
  多行说明
     */
    Filters?: Array<Filter>;
    /** 偏移 */
    Offset?: number;
}
/**
 * 过滤器
 */
export interface Filter {
    Name: string;
    Values: Array<string>;
}
export type DescribeNothingRequest = null;
`;

Deno.test("parseModels reads interfaces, optional marks, types and docs", () => {
  const models = parseModels(MODELS);
  assert.deepEqual([...models.keys()], [
    "DescribeThingsRequest",
    "Filter",
    "DescribeNothingRequest",
  ]);
  const req = models.get("DescribeThingsRequest")!;
  assert.equal(req.doc, "DescribeThings请求参数结构体");
  assert.deepEqual(req.fields.map((f) => [f.name, f.tsType, f.optional]), [
    ["InstanceId", "string", false],
    ["Filters", "Array<Filter>", true],
    ["Offset", "number", true],
  ]);
  assert.equal(req.fields[1]!.doc, "过滤器\n多行说明");
  assert.equal(req.fields[2]!.doc, "偏移");
  assert.deepEqual(models.get("Filter")!.fields.map((f) => f.doc), ["", ""]);
  assert.deepEqual(models.get("DescribeNothingRequest")!.fields, []);
});

const CLIENT = `export declare class Client extends AbstractClient {
    constructor(clientConfig: ClientConfig);
    /**
     * 查询东西。

第二段。
     */
    DescribeThings(req: DescribeThingsRequest, cb?: (error: string, rep: DescribeThingsResponse) => void): Promise<DescribeThingsResponse>;
    DescribeNothing(req?: DescribeNothingRequest, cb?: (error: string, rep: DescribeNothingResponse) => void): Promise<DescribeNothingResponse>;
}
`;

Deno.test("parseClientDts lists actions with docs and request/response types", () => {
  assert.deepEqual(parseClientDts(CLIENT), [
    {
      name: "DescribeThings",
      doc: "查询东西。\n\n第二段。",
      request: "DescribeThingsRequest",
      response: "DescribeThingsResponse",
    },
    {
      name: "DescribeNothing",
      doc: "",
      request: "DescribeNothingRequest",
      response: "DescribeNothingResponse",
    },
  ]);
});

Deno.test("parseClientHost and versionFromDir", () => {
  assert.deepEqual(
    parseClientHost(`super("trocket.tencentcloudapi.com", "2023-03-08", clientConfig);`),
    { host: "trocket.tencentcloudapi.com", version: "2023-03-08" },
  );
  assert.equal(parseClientHost("no host"), undefined);
  assert.equal(versionFromDir("v20230308"), "2023-03-08");
  assert.equal(versionFromDir("index.js"), undefined);
});
