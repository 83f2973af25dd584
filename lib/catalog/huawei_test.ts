import assert from "node:assert/strict";
import {
  generateHuaweiCatalog,
  HUAWEI_DATA_FILE,
  HUAWEI_GENERATED_BY,
  HUAWEI_SEED_FILE,
  huaweiType,
  parseHuaweiSeed,
  structureName,
} from "../../tools/catalog/huawei_seed.ts";
import {
  findHuaweiAction,
  findHuaweiStructure,
  huaweiActionSuggestion,
  huaweiServiceNames,
  huaweiServiceVersion,
} from "./huawei.ts";

const root = new URL("../../", import.meta.url);
const seedText = Deno.readTextFileSync(new URL(HUAWEI_SEED_FILE, root));

Deno.test("checked-in Huawei catalog matches the generator (rerun tools/catalog/huawei_seed.ts)", () => {
  const onDisk = Deno.readTextFileSync(new URL(HUAWEI_DATA_FILE, root));
  assert.equal(onDisk, generateHuaweiCatalog(seedText));
  assert.ok(onDisk.startsWith(`{\n  "generatedBy": ${JSON.stringify(HUAWEI_GENERATED_BY)}`));
});

Deno.test("ListEncodeServers: method, path template, path and query parameters", () => {
  const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers");
  assert.ok(spec);
  assert.equal(spec.service, "huaweicloud/cph");
  assert.equal(spec.version, "v1");
  assert.equal(spec.mutating, false);
  assert.equal(spec.clientToken, false);
  assert.deepEqual(spec.http, {
    method: "GET",
    path: "/v1/{project_id}/cloud-phone/encode-servers",
    pathParams: ["project_id"],
    queryParams: ["offset", "limit", "type", "status", "server_id"],
  });
  assert.deepEqual(spec.pagination, {
    style: "offset",
    offset: "offset",
    offsetType: "Integer",
    limit: "limit",
    limitType: "Integer",
    total: "",
    list: "encode_servers",
    maxLimit: 100,
  });
});

Deno.test("seed coverage: every documented parameter with its type, range and enumeration", () => {
  const spec = findHuaweiAction("cph", "ListEncodeServers")!;
  const byName = new Map(spec.inputs.map((f) => [f.name, f]));
  // Hand-written from the seed's 表 1, so the parser itself is checked.
  const expected: Array<[string, string, Record<string, unknown>]> = [
    ["project_id", "String", {}],
    ["offset", "Integer", { min: 0 }],
    ["limit", "Integer", { min: 1, max: 100 }],
    ["type", "Integer", { enum: ["0", "1"] }],
    ["status", "Integer", { enum: ["1", "2", "3", "4", "5", "100", "1014", "0"] }],
    ["server_id", "String", {}],
  ];
  assert.deepEqual([...byName.keys()], expected.map(([n]) => n));
  for (const [name, type, extra] of expected) {
    const field = byName.get(name)!;
    assert.equal(field.type, type, name);
    assert.equal(field.required, false, name);
    for (const [key, value] of Object.entries(extra)) {
      assert.deepEqual((field as unknown as Record<string, unknown>)[key], value, `${name}.${key}`);
    }
  }
  assert.match(byName.get("limit")!.doc!, /默认值为100/);
  assert.match(byName.get("project_id")!.doc!, /credential/);
});

Deno.test("seed coverage: response structures with deprecated and new fields", () => {
  const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers")!;
  assert.deepEqual(spec.outputs.map((f) => [f.name, f.type]), [[
    "encode_servers",
    "EncodeServer[]",
  ]]);
  const server = findHuaweiStructure("huaweicloud/cph", "v1", "EncodeServer")!;
  assert.deepEqual(server.fields.map((f) => [f.name, f.type]), [
    ["encode_server_name", "String"],
    ["encode_server_id", "String"],
    ["encode_server_ip", "String"],
    ["server_id", "String"],
    ["keypair_name", "String"],
    ["type", "Integer"],
    ["status", "Integer"],
    ["access_infos", "AccessInfo[]"],
  ]);
  assert.equal(server.fields[0]!.max, 64);
  assert.equal(server.fields[1]!.max, 32);
  assert.deepEqual(server.fields[6]!.enum, ["1", "2", "3", "0", "4", "5"]);
  const access = findHuaweiStructure("huaweicloud/cph", "v1", "AccessInfo")!;
  const fields = new Map(access.fields.map((f) => [f.name, f]));
  assert.deepEqual([...fields.keys()], [
    "listen_port",
    "access_ip",
    "intranet_ip",
    "public_ip",
    "server_ip",
    "access_port",
    "type",
  ]);
  assert.equal(fields.get("access_ip")!.deprecated, true);
  assert.equal(fields.get("intranet_ip")!.deprecated, true);
  assert.equal(fields.get("public_ip")!.deprecated, undefined);
  assert.match(fields.get("public_ip")!.doc!, /^\[new\]/);
  assert.match(fields.get("server_ip")!.doc!, /^\[new\]/);
  // `其他值：用户自定义端口` leaves the port type open: no enumeration.
  assert.equal(fields.get("type")!.enum, undefined);
  assert.equal(fields.get("listen_port")!.type, "Integer");
});

Deno.test("the seed's response example uses the field names of the catalog", () => {
  // The example JSON in the seed is not valid JSON (a missing brace), so its keys are read as text.
  const example = seedText.slice(seedText.indexOf("响应样例"));
  const keys = new Set([...example.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]!));
  const access = findHuaweiStructure("huaweicloud/cph", "v1", "AccessInfo")!;
  const server = findHuaweiStructure("huaweicloud/cph", "v1", "EncodeServer")!;
  for (const f of [...access.fields, ...server.fields]) assert.ok(keys.has(f.name), f.name);
});

Deno.test("type strings, structure names and lookups", () => {
  assert.equal(huaweiType("Array of objects", "EncodeServer"), "EncodeServer[]");
  assert.equal(huaweiType("Array of strings", undefined), "String[]");
  assert.equal(huaweiType("Integer", undefined), "Integer");
  assert.throws(() => huaweiType("Blob", undefined), /unknown type/);
  assert.equal(structureName("encode_server"), "EncodeServer");
  assert.deepEqual(huaweiServiceNames(), ["huaweicloud/cph"]);
  assert.equal(huaweiServiceVersion("huaweicloud/cph", "v2"), undefined);
  assert.equal(huaweiServiceVersion("huaweicloud/ecs"), undefined);
  assert.equal(findHuaweiAction("huaweicloud/cph", "ListEncodeServer"), undefined);
  assert.equal(huaweiActionSuggestion("huaweicloud/cph", "ListEncodeServer"), "ListEncodeServers");
});

Deno.test("the parser fails loudly on a document without its tables", () => {
  assert.throws(
    () => parseHuaweiSeed("# t\n## 功能介绍\n接口名称\n\n X\n功能描述\n y\n## URI\n"),
    /URI/,
  );
});
