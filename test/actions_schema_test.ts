import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { Ajv } from "ajv";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { workflowJsonSchema } from "../lib/workflow/json_schema.ts";
import { ROOT, runCli } from "./_cli.ts";

Deno.test("actions describe shows parameters with their catalog types", async () => {
  const result = await runCli(["actions", "describe", "trocket.DescribeTopicList"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /InstanceId\s+String\s+required/);
  assert.match(result.stdout, /Filters\s+Filter\[\]\s+optional/);
  assert.match(result.stdout, /TotalCount\s+Integer/);
  assert.match(
    result.stdout,
    /paginate: item offset, Offset \(Integer\), size Limit \(Integer\) .*, list Data, total TotalCount/,
  );
  assert.match(result.stdout, /mutating: no/);
});

Deno.test("actions describe --skeleton: required parameters as typed placeholders validate refuses, optional ones commented out; filled in, it validates", async () => {
  const result = await runCli(["actions", "describe", "apigateway.CreateUsagePlan", "--skeleton"]);
  assert.equal(result.code, 0, result.stderr);
  const steps = parseYaml(result.stdout) as Array<Record<string, unknown>>;
  const step = steps[0]!;
  assert.equal(step.action, "apigateway.CreateUsagePlan");
  // Only the required parameter is a key; the optional ones are there, commented out.
  assert.deepEqual(step.with, { UsagePlanName: "<String>" });
  for (const name of ["UsagePlanDesc", "MaxRequestNum", "MaxRequestNumPreSec"]) {
    assert.match(result.stdout, new RegExp(`^    # ${name}: `, "m"), `${name} is commented out`);
  }
  const workflow = (text: string) =>
    `tcflow: 1\nname: skeleton\nregion: ap-guangzhou\nsteps:\n${
      text.split("\n").map((line) => (line ? `  ${line}` : line)).join("\n")
    }`;
  const raw = loadWorkflowText(workflow(result.stdout), "skeleton.yaml").diagnostics;
  assert.deepEqual(raw.map((d) => [d.code, d.line]), [["E_MISSING_PARAM", 12]]);
  assert.match(raw[0]!.message, /`UsagePlanName` still holds the skeleton's placeholder <String>/);
  const filled = result.stdout.replace("<String>", "plan-1");
  const { diagnostics } = loadWorkflowText(workflow(filled), "skeleton.yaml");
  assert.deepEqual(diagnostics.filter((d) => d.severity === "error"), []);

  // A required list of structures, an Integer: typed placeholders, each refused by name.
  const topics = await runCli(["actions", "describe", "trocket.CreateTopic", "--skeleton"]);
  assert.match(topics.stdout, /^ {4}QueueNum: <Integer>/m);
  assert.match(topics.stdout, /^ {4}# TagList: \[\{"TagKey":"","TagValue":""\}\]/m);
  const refused = loadWorkflowText(workflow(topics.stdout), "skeleton.yaml").diagnostics;
  assert.deepEqual(
    refused.map((d) => /`(\w+)`/.exec(d.message)?.[1]).sort(),
    ["InstanceId", "QueueNum", "Topic", "TopicType"],
  );
  assert.ok(refused.every((d) => d.code === "E_MISSING_PARAM"));
});

Deno.test("actions describe prints whole descriptions (enum values), describes structures, --search reads descriptions", async () => {
  const create = await runCli(["actions", "describe", "trocket.CreateInstance"]);
  assert.equal(create.code, 0, create.stderr);
  // The catalog once kept only "实例类型，枚举值如下：" and lost the values.
  assert.match(
    create.stdout,
    /InstanceType\s+String\s+required\s+实例类型，枚举值如下：\n\s+- EXPERIMENT：体验版\n\s+- BASIC：基础版\n\s+- PRO：专业版\n\s+- PLATINUM：铂金版/,
  );
  assert.match(create.stdout, /当前 API 适用集群：5\.x 集群/); // the action's whole description
  const json = await runCli(["actions", "describe", "trocket.CreateInstance", "--json"]);
  const field = JSON.parse(json.stdout).inputs.find((f: { name: string }) =>
    f.name === "InstanceType"
  );
  assert.match(field.description, /PLATINUM/);

  const list = await runCli(["actions", "describe", "trocket.DescribeTopicList"]);
  assert.match(list.stdout, /^Structures: .*\bTopicItem\b/m);
  const item = await runCli(["actions", "describe", "trocket.TopicItem"]);
  assert.equal(item.code, 0, item.stderr);
  assert.match(item.stdout, /^trocket\.TopicItem {2}\(structure, version 2023-03-08\)/);
  assert.match(item.stdout, /^ {2}Topic\s+String\s+\S/m);
  const itemJson = await runCli(["actions", "describe", "trocket.TopicItem", "--json"]);
  assert.equal(JSON.parse(itemJson.stdout).name, "TopicItem");
  const typo = await runCli(["actions", "describe", "trocket.TopicItm"]);
  assert.equal(typo.code, 2);

  const search = await runCli(["actions", "--search", "5.x 集群", "trocket", "--json"]);
  assert.equal(search.code, 0, search.stderr);
  const hits = JSON.parse(search.stdout) as Array<{ action: string; in?: string }>;
  assert.ok(hits.some((h) => h.action === "CreateInstance" && h.in === "description"));
  const byName = await runCli(["actions", "--search", "CreateInstance", "trocket", "--json"]);
  const named = JSON.parse(byName.stdout) as Array<{ action: string; in?: string }>;
  assert.ok(named.some((h) => h.action === "CreateInstance" && h.in === undefined));
});

Deno.test("actions lists and searches the catalog", async () => {
  const list = await runCli(["actions", "trocket"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^DescribeTopicList\s+read/m);
  assert.match(list.stdout, /^CreateTopic\s+write/m);
  const search = await runCli(["actions", "--search", "UsagePlan", "--json"]);
  assert.equal(search.code, 0, search.stderr);
  const hits = JSON.parse(search.stdout) as Array<{ service: string; action: string }>;
  assert.ok(hits.some((h) => h.service === "apigateway" && h.action === "CreateUsagePlan"));
  const services = await runCli(["actions"]);
  assert.equal(services.code, 0);
  assert.ok(services.stdout.split("\n").length > 200, "the catalog holds every service");
});

Deno.test("actions describe of a misspelt action suggests the right one, exit 2", async () => {
  const result = await runCli(["actions", "describe", "trocket.DescribeTopicLst"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /did you mean trocket\.DescribeTopicList\?/);
  const service = await runCli(["actions", "trockett"]);
  assert.equal(service.code, 2);
  assert.match(service.stderr, /did you mean "trocket"\?/);
});

Deno.test("the JSON Schema accepts the sample workflows and knows each action's parameters", async () => {
  const schema = workflowJsonSchema({ services: ["trocket", "apigateway", "ssl", "yunjing"] });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  for (const name of ["rocketmq-smooth-migration", "nightly-audit", "apigateway-provisioning"]) {
    const doc = parseYaml(await Deno.readTextFile(`${ROOT}workflows/${name}.yaml`));
    assert.ok(validate(doc), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  const bad = {
    tcflow: 1,
    name: "bad",
    steps: [{ id: "a", action: "trocket.CreateTopic", with: { InstanceId: "rmq-1", Topicc: "x" } }],
  };
  assert.equal(validate(bad), false);
  assert.ok(
    validate.errors?.some((e) => e.keyword === "additionalProperties" || e.keyword === "required"),
  );
  const wrongType = {
    tcflow: 1,
    name: "bad",
    steps: [{
      id: "a",
      action: "trocket.DescribeTopicList",
      with: { InstanceId: "x", Limit: "ten" },
    }],
  };
  assert.equal(validate(wrongType), false);
  // Documented ranges and enumerations: outside is refused, an expression is still accepted.
  const topic = (QueueNum: unknown) => ({
    tcflow: 1,
    name: "q",
    steps: [{
      id: "a",
      action: "trocket.CreateTopic",
      with: { InstanceId: "rmq-1", Topic: "t", TopicType: "NORMAL", QueueNum },
    }],
  });
  assert.equal(validate(topic(2)), false);
  assert.equal(validate(topic(16)), true, JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(validate(topic("${{ inputs.q }}")), true);
  const upstream = (Scheme: string) => ({
    tcflow: 1,
    name: "u",
    steps: [{
      id: "a",
      action: "apigateway.ModifyUpstream",
      with: { UpstreamId: "upstream-1", Scheme },
    }],
  });
  assert.equal(validate(upstream("FTP")), false);
  assert.equal(validate(upstream("HTTPS")), true, JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(validate(upstream("${{ inputs.scheme }}")), true);
});

Deno.test("tcflow schema prints JSON for the named services and rejects unknown ones", async () => {
  const result = await runCli(["schema", "trocket"]);
  assert.equal(result.code, 0, result.stderr);
  const schema = JSON.parse(result.stdout) as { definitions: Record<string, unknown> };
  assert.ok("action:trocket.CreateTopic" in schema.definitions);
  assert.equal("action:apigateway.CreateUsagePlan" in schema.definitions, false);
  const bad = await runCli(["schema", "trockett"]);
  assert.equal(bad.code, 2);
});

Deno.test("tcflow schema without services types those the folder's workflows call, not 30 MB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schema-" });
  try {
    await Deno.mkdir(`${dir}/workflows`);
    await Deno.writeTextFile(
      `${dir}/workflows/a.yaml`,
      "tcflow: 1\nname: a\nsteps:\n  - id: s\n    action: ssl.DescribeCertificates\n",
    );
    const folder = await runCli(["schema"], { cwd: dir });
    assert.equal(folder.code, 0, folder.stderr);
    assert.match(folder.stderr, /typing the services the workflows here call: ssl/);
    const schema = JSON.parse(folder.stdout) as { definitions: Record<string, unknown> };
    assert.ok("action:ssl.DescribeCertificates" in schema.definitions);
    assert.equal("action:trocket.CreateTopic" in schema.definitions, false);
    assert.ok(folder.stdout.length < 2_000_000, `${folder.stdout.length} bytes`);

    const flag = await runCli(["schema", "--services", "trocket,ssl"], { cwd: dir });
    assert.equal(flag.code, 0, flag.stderr);
    const both = JSON.parse(flag.stdout) as { definitions: Record<string, unknown> };
    assert.ok("action:trocket.CreateTopic" in both.definitions);

    const empty = await Deno.makeTempDir({ prefix: "tcflow-schema-empty-" });
    const none = await runCli(["schema"], { cwd: empty });
    await Deno.remove(empty);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--services a,b\) or give --all/);
    assert.equal(none.stdout, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("actions lists, searches and describes Huawei Cloud actions too", async () => {
  const list = await runCli(["actions", "huaweicloud/cph"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ListEncodeServers\s+read/m);
  assert.match(
    list.stderr,
    /actions in huaweicloud\/cph v1 \(cph\.\{region\}\.myhuaweicloud\.com\)/,
  );
  const json = await runCli(["actions", "huaweicloud/cph", "--json"]);
  const rows = JSON.parse(json.stdout) as Array<{ action: string; mutating: boolean }>;
  assert.ok(rows.some((r) => r.action === "huaweicloud/cph.ListEncodeServers" && !r.mutating));

  const describe = await runCli(["actions", "describe", "huaweicloud/cph.ListEncodeServers"]);
  assert.equal(describe.code, 0, describe.stderr);
  assert.match(describe.stdout, /^huaweicloud\/cph\.ListEncodeServers {2}\(version v1\)/);
  assert.match(describe.stdout, /limit\s+Integer\s+optional/);
  assert.match(
    describe.stdout,
    /paginate: item offset, offset \(Integer\), size limit \(Integer\) max 100, list encode_servers/,
  );
  assert.match(describe.stdout, /encode_servers\s+EncodeServer\[\]/);
  const spec = await runCli(["actions", "describe", "huaweicloud/cph.ListEncodeServers", "--json"]);
  assert.equal(JSON.parse(spec.stdout).service, "huaweicloud/cph");
  const skeleton = await runCli(
    ["actions", "describe", "huaweicloud/cph.ListEncodeServers", "--skeleton"],
  );
  assert.match(skeleton.stdout, /action: huaweicloud\/cph\.ListEncodeServers/);

  const services = await runCli(["actions", "--json"]);
  const all = JSON.parse(services.stdout) as Array<{ service: string; actions: number }>;
  assert.ok(all.some((s) => s.service === "huaweicloud/cph" && s.actions >= 1));
  assert.ok(all.some((s) => s.service === "trocket"));
  const search = await runCli(["actions", "--search", "encodeserver", "--json"]);
  assert.deepEqual(JSON.parse(search.stdout), [
    { service: "huaweicloud/cph", version: "v1", action: "ListEncodeServers" },
  ]);
  const within = await runCli(["actions", "--search", "list", "huaweicloud/cph", "--json"]);
  const hits = JSON.parse(within.stdout) as Array<{ service: string }>;
  assert.ok(hits.length >= 1 && hits.every((h) => h.service === "huaweicloud/cph"));

  const typo = await runCli(["actions", "describe", "huaweicloud/cph.ListEncodeServer"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean huaweicloud\/cph\.ListEncodeServers\?/);
  const service = await runCli(["actions", "huaweicloud/cpx"]);
  assert.equal(service.code, 2);
  assert.match(service.stderr, /did you mean "huaweicloud\/cph"\?/);
  const cloud = await runCli(["actions", "describe", "nocloud/cph.ListEncodeServers"]);
  assert.equal(cloud.code, 2);
  assert.match(cloud.stderr, /unknown cloud "nocloud"/);
  const prefixed = await runCli(["actions", "describe", "tencentcloud/trocket.DescribeTopicList"]);
  assert.equal(prefixed.code, 0, prefixed.stderr);
  assert.match(prefixed.stdout, /^trocket\.DescribeTopicList/);
});
