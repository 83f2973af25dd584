/**
 * Every action, parameter and structure documented in the seed API documents
 * (`tools/seeds/`) is in the catalog with the documented type; hand-written spot checks
 * test the seed parser itself on each of the three document layouts.
 */
import assert from "node:assert/strict";
import { findAction, findStructure } from "../lib/catalog/catalog.ts";
import type { Field } from "../lib/catalog/types.ts";
import { readSeeds, type SeedDoc, seedType } from "../tools/catalog/seeds.ts";

const seedsDir = new URL("../tools/seeds", import.meta.url).pathname;
const seeds = readSeeds(decodeURIComponent(seedsDir));
const seed = (service: string): SeedDoc => {
  const s = seeds.find((x) => x.service === service);
  assert.ok(s, `seed of ${service}`);
  return s;
};

/**
 * Seed names the SDK spells differently (the SDK is newer; the generator follows it).
 * Checked by hand against the seed text and the SDK declarations.
 */
const SDK_NAMES: Record<string, string> = {
  Instanceid: "InstanceId", // trocket CreateTopic (seed typo)
  Instanceld: "InstanceId", // trocket CreateRole, DescribeRoleList (seed typo: l for I)
  Skucode: "SkuCode", // trocket CreateInstance
  CreateTime: "CreatedTime", // trocket DescribeTopic output, renamed in the SDK
};

function lookup(fields: readonly Field[], name: string): Field | undefined {
  return fields.find((f) => f.name === name) ??
    (SDK_NAMES[name] ? fields.find((f) => f.name === SDK_NAMES[name]) : undefined);
}

Deno.test("the seeds parse: services, versions and counts of actions", () => {
  const summary = seeds.map((s) => [s.service, s.version, s.actions.size]);
  assert.deepEqual(summary, [
    ["apigateway", "2018-08-08", 99],
    ["ssl", "2019-12-05", 1],
    ["trocket", "2023-03-08", 46],
    ["yunjing", "2018-02-28", 1],
  ]);
  // Independent count: each action section names itself once in its Action row.
  for (const s of seeds) {
    const text = Deno.readTextFileSync(`${decodeURIComponent(seedsDir)}/${s.file}`);
    const named = new Set(
      [...text.matchAll(/本接口取值\s*[：:]\s*([A-Z][A-Za-z0-9]+)/g)].map((m) => m[1]),
    );
    assert.equal(s.actions.size, named.size, s.file);
  }
});

Deno.test("seed parser spot checks (tab layout): trocket DescribeTopicList", () => {
  const a = seed("trocket").actions.get("DescribeTopicList");
  assert.ok(a);
  assert.deepEqual(a.inputs.map((f) => [f.name, f.rawType, f.required]), [
    ["InstanceId", "String", true],
    ["Filters", "Array of Filter", false],
    ["Offset", "Integer", false],
    ["Limit", "Integer", false],
  ]);
  assert.deepEqual(a.outputs.map((f) => [f.name, f.type, f.nullable]), [
    ["TotalCount", "Integer", true],
    ["Data", "TopicItem[]", false],
  ]);
  assert.equal(a.rateLimitPerS, 20);
  assert.deepEqual(a.errors, { "ResourceNotFound.Instance": "实例不存在。" });
  assert.equal(seed("trocket").actions.get("CreateConsumerGroup")?.rateLimitPerS, 10000);
  const filter = seed("trocket").structures.get("Filter");
  assert.deepEqual(filter?.fields.map((f) => [f.name, f.type, f.required]), [
    ["Name", "String", true],
    ["Values", "String[]", true],
  ]);
  // A structure table split by a page break (header repeated) keeps all its rows.
  const endpoint = seed("trocket").structures.get("Endpoint");
  assert.deepEqual(endpoint?.fields.map((f) => f.name), [
    "Type",
    "Status",
    "PayMode",
    "EndpointUrl",
    "VpcId",
    "SubnetId",
    "Bandwidth",
    "IpRules",
  ]);
  assert.equal(endpoint?.fields.at(-1)?.type, "IpRule[]");
  assert.equal(seed("trocket").structures.size, 24);
});

Deno.test("seed parser spot checks (PDF layout): apigateway", () => {
  const ag = seed("apigateway");
  assert.equal(ag.host, "apigateway.tencentcloudapi.com");
  const plan = ag.actions.get("CreateUsagePlan");
  assert.deepEqual(plan?.inputs.map((f) => [f.name, f.type, f.required]), [
    ["UsagePlanName", "String", true],
    ["UsagePlanDesc", "String", false],
    ["MaxRequestNum", "Integer", false],
    ["MaxRequestNumPreSec", "Integer", false],
    ["Tags", "Tag[]", false],
  ]);
  assert.deepEqual(plan?.outputs.map((f) => [f.name, f.type]), [["Result", "UsagePlanInfo"]]);
  // A row wrapped over three lines: `ServiceParameters.N 否` / `Array of` / `ServiceParameter`.
  const api = ag.actions.get("CreateApi");
  const sp = api?.inputs.find((f) => f.name === "ServiceParameters");
  assert.deepEqual([sp?.type, sp?.required], ["ServiceParameter[]", false]);
  // Name and type on separate lines, type `Timestamp ISO8601`.
  const info = ag.structures.get("ApiAppInfo");
  assert.equal(info?.fields.find((f) => f.name === "CreatedTime")?.type, "Timestamp");
  assert.equal(info?.fields.length, 7);
  // A structure whose doc is itself an identifier.
  assert.ok(ag.structures.get("DescribeApiResultServiceParametersInfo")?.fields.length);
  // Seed-only action.
  const app = ag.actions.get("DescribeApiApp");
  assert.deepEqual(app?.inputs.map((f) => [f.name, f.type, f.required]), [
    ["ApiAppId", "String", true],
  ]);
  assert.equal(app?.outputs[0]?.nullable, true);
});

Deno.test("apigateway error codes: rows whose description wraps below the code are kept", () => {
  const ag = seed("apigateway");
  const errors = [...ag.actions.values()].map((a) => a.errors);
  const count = (of: Array<Record<string, string>>) =>
    of.reduce((n, e) => n + Object.keys(e).length, 0);
  // 892 rows with the description beside the code, 39 with it on the lines below (lost before);
  // the page footer `API 网关` is no error code `API` (it was, in 5 actions).
  assert.equal(count(errors), 931);
  const wrapped = errors.flatMap((e) => Object.entries(e)).filter(([code]) =>
    ["InternalError.CamException", "InvalidParameterValue.InvalidServiceType"].includes(code)
  );
  assert.ok(wrapped.length >= 10, String(wrapped.length));
  assert.ok(errors.every((e) => !("API" in e)));
  assert.equal(
    ag.actions.get("DescribeService")?.errors["InternalError.CamException"],
    "CAM内部请求错误，请稍后重试。若无法解决，请联系智能客服或提交工单。",
  );
  assert.equal(
    ag.actions.get("CreateApi")?.errors["InvalidParameterValue.InvalidServiceType"],
    "后端服务类型错误。WEBSOCKET类型的后端服务，前端协议需要配置为WEBSOCKET。",
  );
  // And the catalog carries them.
  const catalog = [...ag.actions.keys()].map((name) =>
    Object.keys(findAction("apigateway", name)?.errors ?? {}).length
  );
  assert.equal(catalog.reduce((a, b) => a + b, 0), 931);
});

Deno.test("seed parser spot checks (pipe and Markdown tables): ssl, yunjing", () => {
  const certs = seed("ssl").actions.get("DescribeCertificates");
  assert.equal(certs?.rateLimitPerS, 10);
  const status = certs?.inputs.find((f) => f.name === "CertificateStatus");
  assert.deepEqual([status?.rawType, status?.type], ["Array of Integer", "Integer[]"]);
  assert.equal(certs?.inputs.find((f) => f.name === "Tags")?.type, "Tags[]");
  assert.equal(certs?.inputs.length, 16);
  assert.deepEqual(certs?.outputs.map((f) => f.name), ["TotalCount", "Certificates"]);
  assert.equal(certs?.errors["FailedOperation.NetworkError"], "当前 CA 机构访问繁忙,请稍后重试。");

  const ports = seed("yunjing").actions.get("DescribeOpenPorts");
  assert.deepEqual(ports?.inputs.map((f) => [f.name, f.type, f.required]), [
    ["Uuid", "String", false],
    ["Port", "Integer", false],
    ["Limit", "Integer", false],
    ["Offset", "Integer", false],
    ["Filters", "Filter[]", false],
  ]);
  assert.deepEqual(ports?.outputs.map((f) => [f.name, f.type]), [
    ["TotalCount", "Integer"],
    ["OpenPorts", "OpenPort[]"],
  ]);
  assert.deepEqual(Object.keys(ports?.errors ?? {}), [
    "InternalError",
    "InvalidParameter.IllegalRequest",
    "InvalidParameter.InvalidFormat",
    "MissingParameter",
  ]);
});

Deno.test("seedType maps documented types to catalog types", () => {
  assert.equal(seedType("Integer"), "Integer");
  assert.equal(seedType("String"), "String");
  assert.equal(seedType("Array of Filter"), "Filter[]");
  assert.equal(seedType("Array of [Filter](/document/api/296/19867#Filter)"), "Filter[]");
  assert.equal(seedType("Boolean"), "Boolean");
  assert.equal(seedType("Float"), "Float");
  assert.equal(seedType("Timestamp ISO8601"), "Timestamp");
  assert.equal(seedType("Binary"), "Binary");
});

for (const s of seeds) {
  Deno.test(`every action and parameter of ${s.file} is in the catalog, typed as documented`, () => {
    for (const a of s.actions.values()) {
      const spec = findAction(s.service, a.name, s.version);
      assert.ok(spec, `${s.service}.${a.name} missing`);
      if (a.rateLimitPerS !== undefined) assert.equal(spec.rateLimitPerS, a.rateLimitPerS, a.name);
      for (const f of a.inputs) {
        const c = lookup(spec.inputs, f.name);
        assert.ok(c, `${a.name} input ${f.name} missing`);
        assert.equal(c.type, f.type, `${a.name} input ${f.name}`);
        assert.equal(c.required, f.required, `${a.name} input ${f.name} required`);
      }
      for (const f of a.outputs) {
        const c = lookup(spec.outputs, f.name);
        assert.ok(c, `${a.name} output ${f.name} missing`);
        assert.equal(c.type, f.type, `${a.name} output ${f.name}`);
      }
      for (const code of Object.keys(a.errors)) {
        assert.ok(spec.errors?.[code], `${a.name} error ${code}`);
      }
    }
  });

  Deno.test(`every structure of ${s.file} is in the catalog, typed as documented`, () => {
    for (const st of s.structures.values()) {
      const c = findStructure(s.service, s.version, st.name);
      assert.ok(c, `structure ${st.name} missing`);
      for (const f of st.fields) {
        const cf = lookup(c.fields, f.name);
        assert.ok(cf, `${st.name}.${f.name} missing`);
        assert.equal(cf.type, f.type, `${st.name}.${f.name}`);
        if (f.required !== undefined) assert.equal(cf.required, f.required, `${st.name}.${f.name}`);
      }
    }
  });
}
