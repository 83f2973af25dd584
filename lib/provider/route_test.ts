import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
import { createHuaweiClient } from "../huawei/client.ts";
import { HuaweiApiError } from "../huawei/errors.ts";
import { createTencentClient } from "../tencent/client.ts";
import { NetworkError, TencentApiError } from "../tencent/errors.ts";
import { classifyCallError, routeClients } from "./route.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

Deno.test("one client drives both clouds, each against its emulator", async () => {
  const tencentEmulator = createEmulator({ now: () => NOW });
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const fetch = (request: Request) =>
    cph.matches(new URL(request.url), request.headers)
      ? cph.handle(request)
      : tencentEmulator.handle(request);
  const deps = { now: () => NOW, sleep: () => new Promise<void>(() => {}), fetch };
  const client = routeClients({
    tencent: createTencentClient({ deps, credential: DEMO_CREDENTIAL }),
    huawei: createHuaweiClient({ deps, credential: HUAWEI_DEMO_CREDENTIAL, region: "cn-north-4" }),
  });
  assert.equal(client.secretId, DEMO_CREDENTIAL.secretId);
  const hw = await client.call("huaweicloud/cph", "ListEncodeServers", "v1", "cn-north-4", {
    limit: 1,
  });
  assert.equal((hw.response.encode_servers as unknown[]).length, 1);
  const tc = await client.call("trocket", "DescribeInstanceList", "2023-03-08", "ap-guangzhou", {
    Offset: 0,
    Limit: 10,
  });
  assert.ok(Array.isArray(tc.response.Data));
});

Deno.test("without Huawei credentials a Huawei call is a ConfigError naming the variables", async () => {
  const client = routeClients({
    tencent: { secretId: "x", call: () => Promise.reject(new Error("not Tencent")) },
  });
  await assert.rejects(
    client.call("huaweicloud/cph", "ListEncodeServers", "v1", "cn-north-4", {}),
    (e: unknown) => e instanceof ConfigError && /HUAWEICLOUD_SDK_AK/.test(e.message),
  );
});

Deno.test("classifyCallError applies each cloud's rules", () => {
  const hw = (httpStatus: number) =>
    new HuaweiApiError({
      service: "huaweicloud/cph",
      action: "ListEncodeServers",
      method: "GET",
      code: "X.1",
      message: "",
      httpStatus,
    });
  assert.equal(classifyCallError(hw(429)), "retry");
  assert.equal(classifyCallError(hw(500)), "retry");
  assert.equal(classifyCallError(hw(400)), "never");
  assert.equal(classifyCallError(hw(400), ["X.*"]), "retry");
  const tc = new TencentApiError({
    service: "trocket",
    action: "CreateTopic",
    code: "RequestLimitExceeded",
    message: "",
    httpStatus: 200,
  });
  assert.equal(classifyCallError(tc), "retry");
  assert.equal(
    classifyCallError(
      new NetworkError({ service: "s", action: "a", phase: "timeout", message: "" }),
    ),
    "unknown-outcome",
  );
});
