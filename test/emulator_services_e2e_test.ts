/**
 * End to end: API Gateway, SSL and yunjing through the whole emulator (signed requests,
 * catalog parameter checks, the `{"Response": …}` envelope, state and reset), called with the
 * project's own TC3 client.
 */
import assert from "node:assert/strict";
import { systemDeps } from "../lib/deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { builtinServices } from "../lib/emulator/services.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { TencentApiError } from "../lib/tencent/errors.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const registered = new Set(builtinServices().map((s) => s.service));
const NOW_MS = Date.UTC(2026, 10, 23, 10, 0, 0);

function setup() {
  const emulator = createEmulator({ now: () => NOW_MS, rateScale: Infinity });
  const client = createTencentClient({
    deps: { now: () => NOW_MS, sleep: systemDeps().sleep, fetch: (r) => emulator.handle(r) },
    credential: { secretId: DEMO_CREDENTIAL.secretId, secretKey: DEMO_CREDENTIAL.secretKey },
  });
  const gw = async (action: string, params: unknown): Promise<Any> =>
    (await client.call("apigateway", action, "2018-08-08", "ap-guangzhou", params)).response;
  return { emulator, client, gw };
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TencentApiError) return e.code;
    throw e;
  }
  throw new Error("expected an API error");
}

Deno.test({
  name: "e2e apigateway: usage plan bound to the demo service's environments, through the emulator",
  ignore: !registered.has("apigateway"),
  async fn() {
    const { emulator, gw } = setup();
    const plan = await gw("CreateUsagePlan", {
      UsagePlanName: "migrated-task-demo0001",
      MaxRequestNum: -1,
    });
    const planId = plan.Result.UsagePlanId;
    assert.match(planId, /^usagePlan-/);
    for (const env of ["test", "release"]) {
      const bound = await gw("BindEnvironment", {
        UsagePlanIds: [planId],
        ServiceId: "service-ody35h5e",
        Environment: env,
        BindType: "SERVICE",
      });
      assert.equal(bound.Result, true);
    }
    const envs = await gw("DescribeUsagePlanEnvironments", {
      UsagePlanId: planId,
      BindType: "SERVICE",
    });
    assert.deepEqual(envs.Result.EnvironmentList.map((e: Any) => e.Environment), [
      "test",
      "release",
    ]);
    assert.equal(
      await errorCode(gw("BindEnvironment", {
        UsagePlanIds: [planId],
        ServiceId: "service-missing",
        Environment: "test",
        BindType: "SERVICE",
      })),
      "ResourceNotFound.InvalidService",
    );
    // the catalog check runs before the service: a missing required parameter
    assert.equal(
      await errorCode(
        gw("BindEnvironment", { UsagePlanIds: [planId], Environment: "test", BindType: "SERVICE" }),
      ),
      "MissingParameter",
    );
    const state = emulator.state() as Any;
    assert.equal(state.apigateway.planBindings.length, 2);
    emulator.reset();
    assert.equal(
      await errorCode(gw("DescribeUsagePlan", { UsagePlanId: planId })),
      "ResourceNotFound.InvalidUsagePlan",
    );
    const demo = await gw("DescribeService", { ServiceId: "service-ody35h5e" });
    assert.equal(demo.ServiceName, "demo-service");
  },
});

Deno.test({
  name: "e2e ssl and yunjing: seeded listings with filters and paging, through the emulator",
  ignore: !registered.has("ssl") || !registered.has("yunjing"),
  async fn() {
    const { client } = setup();
    const certs = await client.call("ssl", "DescribeCertificates", "2019-12-05", "", {
      FilterExpiring: 1,
      ExpirationSort: "ASC",
      Limit: 2,
    });
    const r = certs.response as Any;
    assert.equal(r.TotalCount, 3n);
    assert.equal(r.Certificates.length, 2);
    assert.equal(r.Certificates[0].Domain, "edge.example.com");
    const ports = await client.call("yunjing", "DescribeOpenPorts", "2018-02-28", "", {
      Port: 3306,
      Filters: [{ Name: "ProcessName", Values: ["mysqld"] }],
    });
    assert.equal((ports.response as Any).TotalCount, 2n);
    assert.equal(
      await errorCode(
        client.call("yunjing", "DescribeOpenPorts", "2018-02-28", "", { Limit: 500 }),
      ),
      "InvalidParameter.InvalidFormat",
    );
  },
});
