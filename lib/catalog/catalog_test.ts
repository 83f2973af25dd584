import assert from "node:assert/strict";
import {
  actionSuggestion,
  catalogIndex,
  catalogIndexLoaded,
  findAction,
  findStructure,
  isScalarType,
  loadedServiceVersions,
  parseTypeName,
  searchActions,
  serviceNames,
  serviceSuggestion,
  serviceVersion,
} from "./catalog.ts";

// Runs first: nothing else in this file has loaded a service version yet.
Deno.test("index lookups load no service; findAction loads only its service version", () => {
  assert.deepEqual(loadedServiceVersions(), []);
  assert.ok(serviceNames().length > 250, "about 300 service versions expected");
  // The service list comes from services.json; the 400 KB index of every action name is read
  // only to search or suggest.
  assert.equal(catalogIndexLoaded(), false);
  assert.ok(searchActions("TopicList", "trocket").some((a) => a.action === "DescribeTopicList"));
  assert.equal(actionSuggestion("trocket", "DescribeTopicLst"), "DescribeTopicList");
  assert.equal(serviceSuggestion("trockt"), "trocket");
  assert.deepEqual(loadedServiceVersions(), []);

  const spec = findAction("trocket", "DescribeTopicList");
  assert.ok(spec);
  assert.deepEqual(loadedServiceVersions(), ["trocket/2023-03-08"]);
  // Cached: the same object, still one file loaded.
  assert.equal(findAction("trocket", "DescribeTopicList"), spec);
  assert.deepEqual(loadedServiceVersions(), ["trocket/2023-03-08"]);
});

Deno.test("without a version, the newest version that has the action; an unknown action is none", () => {
  // es 2025-01-01 has 10 actions; CheckUpdateInstance is only in 2018-04-16.
  assert.ok(findAction("es", "CheckUpdateInstance"));
  assert.ok(!Object.hasOwn(serviceVersion("es", "2025-01-01")!.actions, "CheckUpdateInstance"));
  assert.equal(findAction("es", "CheckUpdateInstance", "2025-01-01"), undefined);
  assert.equal(findAction("es", "NoSuchAction"), undefined);
  assert.equal(findAction("nosuchservice", "DescribeX"), undefined);
});

Deno.test("services.json lists what index.json lists: every service, its versions and host", () => {
  const services = JSON.parse(
    Deno.readTextFileSync(new URL("./data/services.json", import.meta.url)),
  ).services as Record<string, { versions: string[]; host: string }>;
  const index = catalogIndex().services;
  assert.deepEqual(Object.keys(services).sort(), Object.keys(index).sort());
  for (const [name, entry] of Object.entries(index)) {
    assert.deepEqual(services[name], { versions: entry.versions, host: entry.host }, name);
  }
});

Deno.test("parseTypeName splits array depth; isScalarType knows the scalars", () => {
  assert.deepEqual(parseTypeName("Filter[][]"), { base: "Filter", depth: 2 });
  assert.deepEqual(parseTypeName("String[]"), { base: "String", depth: 1 });
  assert.deepEqual(parseTypeName("Integer"), { base: "Integer", depth: 0 });
  for (
    const s of ["String", "Integer", "Float", "Number", "Boolean", "Timestamp", "Binary", "Any"]
  ) {
    assert.ok(isScalarType(s), s);
  }
  assert.equal(isScalarType("Filter"), false);
  assert.equal(isScalarType("string"), false);
});

Deno.test("trocket.DescribeTopicList: typed inputs and outputs, pagination, read-only", () => {
  const spec = findAction("trocket", "DescribeTopicList", "2023-03-08");
  assert.ok(spec);
  assert.equal(spec.service, "trocket");
  assert.equal(spec.version, "2023-03-08");
  assert.equal(spec.source, "sdk+seed");
  assert.equal(spec.mutating, false);
  assert.equal(spec.clientToken, false);
  assert.equal(spec.rateLimitPerS, 20);
  const input = (n: string) => spec.inputs.find((f) => f.name === n);
  assert.deepEqual([input("InstanceId")?.type, input("InstanceId")?.required], ["String", true]);
  assert.deepEqual([input("Filters")?.type, input("Filters")?.required], ["Filter[]", false]);
  assert.equal(input("Offset")?.type, "Integer");
  assert.equal(input("Limit")?.type, "Integer");
  const output = (n: string) => spec.outputs.find((f) => f.name === n);
  assert.equal(output("TotalCount")?.type, "Integer");
  assert.equal(output("Data")?.type, "TopicItem[]");
  assert.equal(output("RequestId"), undefined);
  assert.deepEqual(spec.pagination, {
    style: "offset",
    offset: "Offset",
    offsetType: "Integer",
    limit: "Limit",
    limitType: "Integer",
    total: "TotalCount",
    list: "Data",
  });
  assert.ok(spec.errors?.["ResourceNotFound.Instance"]);
});

Deno.test("structures are typed and every type of trocket resolves", () => {
  const topic = findStructure("trocket", "2023-03-08", "TopicItem");
  assert.ok(topic);
  assert.equal(topic.fields.find((f) => f.name === "QueueNum")?.type, "Integer");
  const filter = findStructure("trocket", "2023-03-08", "Filter");
  assert.deepEqual(
    filter?.fields.map((f) => [f.name, f.type, f.required]),
    [["Name", "String", true], ["Values", "String[]", true]],
  );
  assert.equal(findStructure("trocket", "2023-03-08", "NoSuchThing"), undefined);

  const sv = serviceVersion("trocket")!;
  const resolves = (type: string) => {
    const { base } = parseTypeName(type);
    return isScalarType(base) || sv.structures[base] !== undefined;
  };
  for (const a of Object.values(sv.actions)) {
    for (const f of [...a.inputs, ...a.outputs]) assert.ok(resolves(f.type), `${a.name}.${f.name}`);
  }
  for (const s of Object.values(sv.structures)) {
    for (const f of s.fields) assert.ok(resolves(f.type), `${s.name}.${f.name}`);
  }
});

Deno.test("mutating, clientToken and rate limits of known actions", () => {
  const create = findAction("trocket", "CreateTopic")!;
  assert.equal(create.mutating, true);
  assert.equal(create.clientToken, false);
  const group = findAction("trocket", "CreateConsumerGroup")!;
  assert.equal(group.rateLimitPerS, 10000); // documented in the seed
  const run = findAction("cvm", "RunInstances")!;
  assert.equal(run.mutating, true);
  assert.equal(run.clientToken, true);
  assert.equal(run.source, "sdk");
  assert.equal(run.rateLimitPerS, 20); // undocumented: the default
  for (
    const [svc, action] of [["cvm", "InquiryPriceRunInstances"], ["apigateway", "DescribeApiApp"]]
  ) {
    assert.equal(findAction(svc!, action!)?.mutating, false, action);
  }
  assert.equal(findAction("ssl", "DescribeCertificates")?.rateLimitPerS, 10);
});

Deno.test("seed-only actions are in the catalog with source seed", () => {
  const mqtt = findAction("trocket", "DescribeMQTTTopicList");
  assert.equal(mqtt?.source, "seed");
  assert.equal(mqtt?.pagination?.list, "Data");
  assert.ok(findStructure("trocket", "2023-03-08", "MQTTTopicItem"));
  const app = findAction("apigateway", "DescribeApiApp");
  assert.equal(app?.source, "seed");
  assert.deepEqual(
    app?.inputs.map((f) => [f.name, f.type, f.required]),
    [["ApiAppId", "String", true]],
  );
  assert.equal(app?.outputs.find((f) => f.name === "Result")?.type, "ApiAppInfos");
});

Deno.test("pagination: maxLimit from docs, top-level lists and lists inside Result", () => {
  assert.equal(findAction("ssl", "DescribeCertificates")?.pagination?.maxLimit, 1000);
  assert.equal(findAction("yunjing", "DescribeOpenPorts")?.pagination?.list, "OpenPorts");
  assert.equal(findAction("yunjing", "DescribeOpenPorts")?.pagination?.within, undefined);
  // apigateway wraps its lists in `Result`.
  assert.deepEqual(findAction("apigateway", "DescribeServicesStatus")?.pagination, {
    style: "offset",
    offset: "Offset",
    offsetType: "Integer",
    limit: "Limit",
    limitType: "Integer",
    total: "TotalCount",
    list: "ServiceSet",
    within: "Result",
    maxLimit: 100,
  });
  assert.equal(findAction("trocket", "CreateTopic")?.pagination, undefined);
});

Deno.test("paging as documented: page numbers, declared types, the documented list and max", () => {
  const p = (service: string, action: string) => findAction(service, action)?.pagination;
  // Offset as a page number: followed as items, 100 of 250 instances came back.
  assert.deepEqual(
    [p("sqlserver", "DescribeDBInstances")?.style, p("sqlserver", "DescribeDBInstances")?.base],
    ["page", 0],
  );
  assert.deepEqual([p("tcr", "DescribeImages")?.style, p("tcr", "DescribeImages")?.base], [
    "page",
    1,
  ]);
  // String-declared Offset/Limit.
  assert.deepEqual(
    [p("vpc", "DescribeVpcs")?.offsetType, p("vpc", "DescribeVpcs")?.limitType],
    ["String", "String"],
  );
  // The documented, non-deprecated list; the list the total counts.
  assert.equal(p("postgres", "DescribeSlowQueryList")?.list, "RawSlowQueryList");
  assert.equal(p("redis", "DescribeSlowLog")?.list, "InstanceSlowLogDetail");
  assert.equal(p("ccc", "DescribeTelCdr")?.list, "TelCdrList");
  assert.equal(p("ccc", "DescribeTelCdr")?.offset, "PageNumber");
  assert.equal(p("cwp", "DescribeWarningHostConfig")?.list, "Quuids");
  assert.equal(p("csip", "DescribeDynamicAssets")?.list, "Assets");
  // "最大支持50".
  assert.equal(p("ckafka", "DescribeConsumerGroup")?.maxLimit, 50);
  // Totals not named TotalCount, other styles.
  assert.equal(p("ams", "DescribeTasks")?.total, "Total");
  assert.deepEqual(
    [p("alb", "DescribeLoadBalancers")?.style, p("alb", "DescribeLoadBalancers")?.next],
    ["token", "NextToken"],
  );
  assert.equal(findAction("ckafka", "FetchMessageListByOffset")?.pagination, undefined);
  assert.match(findAction("ckafka", "FetchMessageListByOffset")?.notPageable ?? "", /page-size/);
});

Deno.test("SDK arrays of number | bigint are Integer[]", () => {
  const certs = findAction("ssl", "DescribeCertificates")!;
  assert.equal(certs.inputs.find((f) => f.name === "CertificateStatus")?.type, "Integer[]");
});

Deno.test("versions: newest by default, explicit pins, unknown names", () => {
  const entry = catalogIndex().services["dts"]!;
  assert.deepEqual(entry.versions, [...entry.versions].sort().reverse());
  assert.equal(serviceVersion("dts")?.version, entry.versions[0]);
  // An action that only the older version has is still found without a version.
  const old = findAction("dts", "CreateMigrateJob");
  assert.equal(old?.version, "2018-03-30");
  assert.equal(findAction("dts", "CreateMigrateJob", entry.versions[0]), undefined);
  assert.equal(serviceVersion("trocket", "1999-01-01"), undefined);
  assert.equal(serviceVersion("nosuchservice"), undefined);
  assert.equal(findAction("trocket", "NoSuchAction"), undefined);
  assert.equal(findAction("trocket", "constructor"), undefined);
  assert.equal(findAction("tencentcloud/trocket", "DescribeTopicList")?.service, "trocket");
  assert.equal(actionSuggestion("nosuchservice", "X"), undefined);
  assert.equal(serviceSuggestion("completelydifferent"), undefined);
});

Deno.test("searchActions matches case-insensitively, sorted, one entry per action", () => {
  const hits = searchActions("usageplan", "apigateway");
  const names = hits.map((h) => h.action);
  assert.ok(names.includes("CreateUsagePlan"));
  assert.ok(names.includes("DescribeUsagePlansStatus"));
  assert.deepEqual(names, [...names].sort());
  assert.equal(new Set(names).size, names.length);
  assert.ok(hits.every((h) => h.service === "apigateway" && h.version === "2018-08-08"));
  const all = searchActions("DescribeTopicList");
  assert.ok(all.some((h) => h.service === "trocket"));
});
