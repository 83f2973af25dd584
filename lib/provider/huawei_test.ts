import assert from "node:assert/strict";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
import { HuaweiApiError } from "../huawei/errors.ts";
import { createProviderClient } from "../protocol/client.ts";
import { huaweiProvider } from "./huawei.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

Deno.test("the Huawei provider owns huaweicloud/ services and finds their actions", () => {
  assert.equal(huaweiProvider.name, "huaweicloud");
  assert.ok(huaweiProvider.ownsService("huaweicloud/cph"));
  assert.ok(!huaweiProvider.ownsService("trocket"));
  assert.equal(huaweiProvider.findAction("huaweicloud/cph", "ListEncodeServers")?.version, "v1");
  assert.equal(
    huaweiProvider.findAction("huaweicloud/cph", "ListEncodeServers", "v1")?.name,
    "ListEncodeServers",
  );
  assert.equal(huaweiProvider.findAction("trocket", "DescribeTopicList"), undefined);
  assert.equal(huaweiProvider.keyId(HUAWEI_DEMO_CREDENTIAL), HUAWEI_DEMO_CREDENTIAL.ak);
  assert.equal(
    huaweiProvider.endpoint({ service: "huaweicloud/cph", region: "cn-east-3" }).host,
    "cph.cn-east-3.myhuaweicloud.com",
  );
});

Deno.test("build → emulator → parse round trip through the provider interface", async () => {
  const spec = huaweiProvider.findAction("huaweicloud/cph", "ListEncodeServers")!;
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const request = await huaweiProvider.buildRequest({
    spec,
    region: "cn-north-4",
    params: { limit: 2 },
    credential: HUAWEI_DEMO_CREDENTIAL,
    endpoint: huaweiProvider.endpoint({ service: spec.service, region: "cn-north-4" }),
    timestampMs: NOW,
  });
  const response = await cph.handle(request);
  const parsed = huaweiProvider.parseResponse(
    { status: response.status, headers: response.headers, text: await response.text() },
    spec,
  );
  assert.ok(parsed.ok);
  assert.equal((parsed.result.response.encode_servers as unknown[]).length, 2);
  assert.equal(huaweiProvider.classifyError(new Error("x")), "never");
});

Deno.test("the generic provider client surfaces the provider's API errors", async () => {
  const spec = huaweiProvider.findAction("huaweicloud/cph", "ListEncodeServers")!;
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const client = createProviderClient({
    provider: huaweiProvider,
    deps: { now: () => NOW, sleep: () => new Promise(() => {}), fetch: cph.handle },
    credential: HUAWEI_DEMO_CREDENTIAL,
  });
  assert.equal(client.keyId, HUAWEI_DEMO_CREDENTIAL.ak);
  await assert.rejects(client.call(spec, "cn-north-4", { limit: 101 }), (e: unknown) => {
    assert.ok(e instanceof HuaweiApiError);
    assert.equal(e.code, "CPS.0005");
    assert.equal(e.httpStatus, 400);
    assert.equal(huaweiProvider.classifyError(e), "never");
    return true;
  });
});
