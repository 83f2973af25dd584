import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("apigateway demo data: service, APIs, release on test", async () => {
  const { gw, ctx } = setup();
  const svc: Any = await call(gw, "DescribeService", { ServiceId: SVC }, ctx);
  assert.equal(svc.ServiceName, "demo-service");
  assert.equal(svc.Protocol, "http&https");
  assert.deepEqual(svc.AvailableEnvironments, ["test"]);
  assert.equal(svc.ApiTotalCount, 2);
  assert.deepEqual(
    svc.ApiIdStatusSet.map((a: Any) => `${a.ApiId} ${a.Method} ${a.Path}`).sort(),
    ["api-demo0001 GET /orders", "api-demo0002 POST /payments"],
  );
  const envs: Any = await call(gw, "DescribeServiceEnvironmentList", { ServiceId: SVC }, ctx);
  assert.deepEqual(
    envs.Result.EnvironmentList.map((e: Any) => [e.EnvironmentName, e.Status]),
    [["test", 1], ["prepub", 0], ["release", 0]],
  );
  const history: Any = await call(gw, "DescribeServiceEnvironmentReleaseHistory", {
    ServiceId: SVC,
    EnvironmentName: "test",
  }, ctx);
  assert.equal(history.Result.TotalCount, 1);
  const api: Any = await call(gw, "DescribeApi", { ServiceId: SVC, ApiId: "api-demo0001" }, ctx);
  assert.deepEqual(api.Result.RequestConfig, { Path: "/orders", Method: "GET" });
  assert.deepEqual(api.Result.Environments, ["test"]);
  await callError(
    gw,
    "DescribeService",
    { ServiceId: "service-nope" },
    ctx,
    "ResourceNotFound.InvalidService",
  );
});

Deno.test("apigateway usage plan: create, bind to environments, in-use delete, unbind, delete", async () => {
  const { gw, ctx } = setup();
  const created: Any = await call(gw, "CreateUsagePlan", {
    UsagePlanName: "migrated-1",
    MaxRequestNum: -1,
  }, ctx);
  const planId = created.Result.UsagePlanId;
  assert.match(planId, /^usagePlan-/);
  assert.equal(created.Result.UsagePlanName, "migrated-1");
  assert.equal(created.Result.MaxRequestNum, -1);
  assert.equal(created.Result.CreatedTime, "2026-11-23T10:00:00Z");
  assert.equal(created.Result.BindEnvironmentTotalCount, 0);

  for (const env of ["test", "release"]) {
    const r = await call(gw, "BindEnvironment", {
      UsagePlanIds: [planId],
      ServiceId: SVC,
      Environment: env,
      BindType: "SERVICE",
    }, ctx);
    assert.deepEqual(r, { Result: true });
  }
  // binding again is refused, as the API does (it succeeded silently)
  const twice = await callError(
    gw,
    "BindEnvironment",
    {
      UsagePlanIds: [planId],
      ServiceId: SVC,
      Environment: "test",
      BindType: "SERVICE",
    },
    ctx,
    "UnsupportedOperation.UnsupportedBindEnvironment",
  );
  assert.match(twice, /already bound to environment test of service-/);

  const plan: Any = await call(gw, "DescribeUsagePlan", { UsagePlanId: planId }, ctx);
  assert.equal(plan.Result.BindEnvironmentTotalCount, 2);
  assert.deepEqual(plan.Result.BindEnvironments, [
    { EnvironmentName: "test", ServiceId: SVC },
    { EnvironmentName: "release", ServiceId: SVC },
  ]);
  const envs: Any = await call(gw, "DescribeUsagePlanEnvironments", {
    UsagePlanId: planId,
    BindType: "SERVICE",
  }, ctx);
  assert.equal(envs.Result.TotalCount, 2);
  assert.equal(envs.Result.EnvironmentList[0].ServiceName, "demo-service");
  const none: Any = await call(gw, "DescribeUsagePlanEnvironments", {
    UsagePlanId: planId,
    BindType: "API",
  }, ctx);
  assert.equal(none.Result.TotalCount, 0);
  const svcPlans: Any = await call(gw, "DescribeServiceUsagePlan", { ServiceId: SVC }, ctx);
  assert.equal(svcPlans.Result.TotalCount, 2);
  assert.equal(svcPlans.Result.ServiceUsagePlanList[0].UsagePlanId, planId);
  const svc: Any = await call(gw, "DescribeService", { ServiceId: SVC }, ctx);
  assert.equal(svc.UsagePlanTotalCount, 2);

  await callError(
    gw,
    "DeleteUsagePlan",
    { UsagePlanId: planId },
    ctx,
    "UnsupportedOperation.UsagePlanInUse",
  );
  for (const env of ["test", "release"]) {
    await call(gw, "UnBindEnvironment", {
      UsagePlanIds: [planId],
      ServiceId: SVC,
      Environment: env,
      BindType: "SERVICE",
    }, ctx);
  }
  await callError(
    gw,
    "UnBindEnvironment",
    { UsagePlanIds: [planId], ServiceId: SVC, Environment: "test", BindType: "SERVICE" },
    ctx,
    "UnsupportedOperation.UnsupportedUnBindEnvironment",
  );
  assert.deepEqual(await call(gw, "DeleteUsagePlan", { UsagePlanId: planId }, ctx), {
    Result: true,
  });
  await callError(
    gw,
    "DescribeUsagePlan",
    { UsagePlanId: planId },
    ctx,
    "ResourceNotFound.InvalidUsagePlan",
  );
});

Deno.test("apigateway BindEnvironment errors and API-level binding", async () => {
  const { gw, ctx } = setup();
  const planId =
    ((await call(gw, "CreateUsagePlan", { UsagePlanName: "p" }, ctx)) as Any).Result.UsagePlanId;
  const base = { UsagePlanIds: [planId], ServiceId: SVC, Environment: "test" };
  await callError(
    gw,
    "BindEnvironment",
    { ...base, UsagePlanIds: ["usagePlan-nope"], BindType: "SERVICE" },
    ctx,
    "ResourceNotFound.InvalidUsagePlan",
  );
  await callError(
    gw,
    "BindEnvironment",
    { ...base, ServiceId: "service-nope", BindType: "SERVICE" },
    ctx,
    "ResourceNotFound.InvalidService",
  );
  await callError(
    gw,
    "BindEnvironment",
    { ...base, Environment: "prod", BindType: "SERVICE" },
    ctx,
    "InvalidParameterValue",
  );
  await callError(
    gw,
    "BindEnvironment",
    { ...base, BindType: "API" },
    ctx,
    "InvalidParameterValue.InvalidApiIds",
  );
  await callError(
    gw,
    "BindEnvironment",
    { ...base, BindType: "API", ApiIds: ["api-nope"] },
    ctx,
    "ResourceNotFound.InvalidApi",
  );
  await callError(
    gw,
    "BindEnvironment",
    { ...base, BindType: "BOTH" },
    ctx,
    "InvalidParameter.FormatError",
  );

  await call(gw, "BindEnvironment", { ...base, BindType: "API", ApiIds: ["api-demo0001"] }, ctx);
  const msg = await callError(
    gw,
    "BindEnvironment",
    { ...base, BindType: "SERVICE" },
    ctx,
    "UnsupportedOperation.UnsupportedBindEnvironment",
  );
  assert.match(msg, /API-level/);
  const apiPlans: Any = await call(gw, "DescribeApiUsagePlan", { ServiceId: SVC }, ctx);
  assert.equal(apiPlans.Result.TotalCount, 1);
  assert.equal(apiPlans.Result.ApiUsagePlanList[0].ApiId, "api-demo0001");
  assert.equal(apiPlans.Result.ApiUsagePlanList[0].Path, "/orders");
  // the API cannot be deleted while a usage plan is bound to it
  await callError(
    gw,
    "DeleteApi",
    { ServiceId: SVC, ApiId: "api-demo0001" },
    ctx,
    "FailedOperation.ApiBindEnvironmen",
  );
  // plans not bound to api-demo0002 in test
  const free: Any = await call(gw, "DescribeApisStatus", {
    ServiceId: SVC,
    Filters: [{ Name: "NotUsagePlanId", Values: [planId] }, {
      Name: "Environment",
      Values: ["test"],
    }],
  }, ctx);
  assert.deepEqual(free.Result.ApiIdStatusSet.map((a: Any) => a.ApiId), ["api-demo0002"]);
});

Deno.test("apigateway DemoteServiceUsagePlan turns a service binding into API bindings", async () => {
  const { gw, ctx } = setup();
  const planId =
    ((await call(gw, "CreateUsagePlan", { UsagePlanName: "p" }, ctx)) as Any).Result.UsagePlanId;
  await callError(
    gw,
    "DemoteServiceUsagePlan",
    { UsagePlanId: planId, ServiceId: SVC, Environment: "test" },
    ctx,
    "UnsupportedOperation.NoUsagePlanEnv",
  );
  await call(gw, "BindEnvironment", {
    UsagePlanIds: [planId],
    ServiceId: SVC,
    Environment: "test",
    BindType: "SERVICE",
  }, ctx);
  await call(gw, "DemoteServiceUsagePlan", {
    UsagePlanId: planId,
    ServiceId: SVC,
    Environment: "test",
  }, ctx);
  const api: Any = await call(gw, "DescribeUsagePlanEnvironments", {
    UsagePlanId: planId,
    BindType: "API",
  }, ctx);
  assert.deepEqual(api.Result.EnvironmentList.map((e: Any) => e.ApiId).sort(), [
    "api-demo0001",
    "api-demo0002",
  ]);
  const svc: Any = await call(gw, "DescribeUsagePlanEnvironments", {
    UsagePlanId: planId,
    BindType: "SERVICE",
  }, ctx);
  assert.equal(svc.Result.TotalCount, 0);
});

Deno.test("apigateway service lifecycle: APIs, releases, versions, delete checks", async () => {
  const { gw, ctx } = setup();
  const created: Any = await call(
    gw,
    "CreateService",
    { ServiceName: "orders", Protocol: "https" },
    ctx,
  );
  const id = created.ServiceId;
  assert.match(created.OuterSubDomain, new RegExp(`^${id}-\\d+\\.guangzhou\\.apigw`));
  await callError(
    gw,
    "CreateService",
    { ServiceName: "x", Protocol: "ftp" },
    ctx,
    "InvalidParameterValue.NotInOptions",
  );
  await callError(
    gw,
    "ReleaseService",
    { ServiceId: id, EnvironmentName: "test", ReleaseDesc: "empty" },
    ctx,
    "FailedOperation.ServiceError",
  );

  const apiParams = {
    ServiceId: id,
    ServiceType: "HTTP",
    ServiceTimeout: 15,
    Protocol: "HTTP",
    RequestConfig: { Path: "/items", Method: "GET" },
    ServiceConfig: { Url: "http://backend.example.com", Path: "/items", Method: "GET" },
    ApiName: "items",
  };
  const api: Any = await call(gw, "CreateApi", apiParams, ctx);
  assert.deepEqual(Object.keys(api.Result).sort(), ["ApiId", "CreatedTime", "Method", "Path"]);
  await callError(gw, "CreateApi", apiParams, ctx, "InvalidParameterValue.InvalidApiRequestConfig");
  await callError(
    gw,
    "CreateApi",
    { ...apiParams, RequestConfig: { Path: "items", Method: "GET" } },
    ctx,
    "InvalidParameterValue.InvalidApiRequestConfig",
  );
  await callError(
    gw,
    "CreateApi",
    { ...apiParams, RequestConfig: { Path: "/x", Method: "GET" }, ServiceConfig: {} },
    ctx,
    "InvalidParameterValue.InvalidServiceConfig",
  );
  await callError(
    gw,
    "CreateApi",
    { ...apiParams, ServiceTimeout: 0 },
    ctx,
    "InvalidParameterValue.RangeExceeded",
  );

  await call(gw, "ModifyApi", {
    ...apiParams,
    ApiId: api.Result.ApiId,
    RequestConfig: { Path: "/items", Method: "POST" },
    ApiDesc: "changed",
  }, ctx);
  const described: Any = await call(
    gw,
    "DescribeApi",
    { ServiceId: id, ApiId: api.Result.ApiId },
    ctx,
  );
  assert.equal(described.Result.RequestConfig.Method, "POST");
  assert.equal(described.Result.ApiDesc, "changed");
  assert.equal(described.Result.ServiceConfig.Url, "http://backend.example.com");

  ctx.nowMs += 60_000;
  const r1: Any = await call(gw, "ReleaseService", {
    ServiceId: id,
    EnvironmentName: "test",
    ReleaseDesc: "v1",
  }, ctx);
  assert.match(r1.Result.ReleaseVersion, /^20261123100100[0-9a-f]{8}-/);
  ctx.nowMs += 60_000;
  const r2: Any = await call(gw, "ReleaseService", {
    ServiceId: id,
    EnvironmentName: "release",
    ReleaseDesc: "v2",
  }, ctx);
  const versions: Any = await call(gw, "DescribeServiceReleaseVersion", { ServiceId: id }, ctx);
  assert.deepEqual(versions.Result.VersionList.map((v: Any) => v.VersionDesc), ["v2", "v1"]);
  await call(gw, "UpdateService", {
    ServiceId: id,
    EnvironmentName: "release",
    VersionName: r1.Result.ReleaseVersion,
  }, ctx);
  const envs: Any = await call(gw, "DescribeServiceEnvironmentList", { ServiceId: id }, ctx);
  assert.equal(envs.Result.EnvironmentList[2].VersionName, r1.Result.ReleaseVersion);
  assert.notEqual(r1.Result.ReleaseVersion, r2.Result.ReleaseVersion);
  await callError(
    gw,
    "UpdateService",
    { ServiceId: id, EnvironmentName: "test", VersionName: "nope" },
    ctx,
    "FailedOperation.ServiceError",
  );

  await callError(
    gw,
    "DeleteService",
    { ServiceId: id },
    ctx,
    "UnsupportedOperation.ExistingOnlineEnvironment",
  );
  await call(gw, "UnReleaseService", { ServiceId: id, EnvironmentName: "test" }, ctx);
  await call(gw, "UnReleaseService", { ServiceId: id, EnvironmentName: "release" }, ctx);
  await callError(
    gw,
    "UnReleaseService",
    { ServiceId: id, EnvironmentName: "release" },
    ctx,
    "FailedOperation.ServiceError",
  );
  await callError(
    gw,
    "DeleteService",
    { ServiceId: id },
    ctx,
    "UnsupportedOperation.ApiListNotEmpty",
  );
  await call(gw, "DeleteApi", { ServiceId: id, ApiId: api.Result.ApiId }, ctx);
  assert.deepEqual(await call(gw, "DeleteService", { ServiceId: id }, ctx), { Result: true });
  await callError(gw, "DescribeService", { ServiceId: id }, ctx, "ResourceNotFound.InvalidService");
});

Deno.test("apigateway DescribeServicesStatus pages and filters", async () => {
  const { gw, ctx } = setup();
  for (let i = 0; i < 25; i++) {
    await call(gw, "CreateService", {
      ServiceName: `svc-${String(i).padStart(2, "0")}`,
      Protocol: "http",
    }, ctx);
  }
  const first: Any = await call(gw, "DescribeServicesStatus", { Limit: 10 }, ctx);
  assert.equal(first.Result.TotalCount, 26);
  assert.equal(first.Result.ServiceSet.length, 10);
  assert.equal(first.Result.ServiceSet[0].ServiceName, "svc-24");
  const last: Any = await call(gw, "DescribeServicesStatus", { Limit: 10, Offset: 20 }, ctx);
  assert.equal(last.Result.ServiceSet.length, 6);
  assert.equal(last.Result.ServiceSet[5].ServiceId, SVC);
  const all = [
    ...first.Result.ServiceSet,
    ...((await call(gw, "DescribeServicesStatus", { Limit: 10, Offset: 10 }, ctx)) as Any).Result
      .ServiceSet,
    ...last.Result.ServiceSet,
  ];
  assert.equal(new Set(all.map((s: Any) => s.ServiceId)).size, 26);
  const defaultPage: Any = await call(gw, "DescribeServicesStatus", {}, ctx);
  assert.equal(defaultPage.Result.ServiceSet.length, 20);
  const byName: Any = await call(gw, "DescribeServicesStatus", {
    Filters: [{ Name: "ServiceName", Values: ["svc-1"] }],
  }, ctx);
  assert.equal(byName.Result.TotalCount, 10);
  const byId: Any = await call(gw, "DescribeServicesStatus", {
    Filters: [{ Name: "ServiceId", Values: [SVC] }],
  }, ctx);
  assert.deepEqual(byId.Result.ServiceSet.map((s: Any) => s.ServiceName), ["demo-service"]);
  const released: Any = await call(gw, "DescribeServicesStatus", {
    Filters: [{ Name: "Environment", Values: ["test"] }],
  }, ctx);
  assert.equal(released.Result.TotalCount, 1);
  await callError(
    gw,
    "DescribeServicesStatus",
    { Filters: [{ Name: "Colour", Values: ["x"] }] },
    ctx,
    "InvalidParameterValue.InvalidFilterNotSupportedName",
  );
  await callError(
    gw,
    "DescribeServicesStatus",
    { Limit: 101 },
    ctx,
    "InvalidParameterValue",
  );
});

Deno.test("apigateway strategies: environment and API request limits", async () => {
  const { gw, ctx } = setup();
  await call(gw, "ModifyServiceEnvironmentStrategy", {
    ServiceId: SVC,
    Strategy: 300,
    EnvironmentNames: ["test"],
  }, ctx);
  await callError(
    gw,
    "ModifyServiceEnvironmentStrategy",
    { ServiceId: SVC, Strategy: 0, EnvironmentNames: ["test"] },
    ctx,
    "InvalidParameterValue.RangeExceeded",
  );
  const envs: Any = await call(gw, "DescribeServiceEnvironmentStrategy", { ServiceId: SVC }, ctx);
  assert.deepEqual(envs.Result.EnvironmentList.map((e: Any) => e.Strategy), [300, 5000, 5000]);
  await call(gw, "ModifyApiEnvironmentStrategy", {
    ServiceId: SVC,
    Strategy: 7,
    EnvironmentName: "test",
    ApiIds: ["api-demo0002"],
  }, ctx);
  const apis: Any = await call(gw, "DescribeApiEnvironmentStrategy", {
    ServiceId: SVC,
    ApiId: "api-demo0002",
    EnvironmentNames: ["test"],
  }, ctx);
  assert.deepEqual(apis.Result.ApiEnvironmentStrategySet[0].EnvironmentStrategySet, [{
    EnvironmentName: "test",
    Quota: 7,
  }]);
});

Deno.test("apigateway snapshot/load: JSON round trip, reset to demo, bad data rejected", async () => {
  const { gw, ctx } = setup();
  await call(gw, "CreateUsagePlan", { UsagePlanName: "kept" }, ctx);
  const snap = JSON.parse(JSON.stringify(gw.snapshot()));
  const other = createApigatewayEmulator();
  other.load(snap);
  const plans: Any = await call(other, "DescribeUsagePlansStatus", {}, ctx);
  assert.deepEqual(plans.Result.UsagePlanStatusSet.map((p: Any) => p.UsagePlanName), ["kept"]);
  assert.deepEqual(other.snapshot(), snap);
  other.load(undefined);
  const empty: Any = await call(other, "DescribeUsagePlansStatus", {}, ctx);
  assert.equal(empty.Result.TotalCount, 0);
  other.load({ services: [] });
  await callError(
    other,
    "DescribeService",
    { ServiceId: SVC },
    ctx,
    "ResourceNotFound.InvalidService",
  );
  assert.throws(() => other.load([]), TypeError);
  assert.throws(() => other.load({ services: 3 }), /services must be a list/);
  // snapshots are copies: changing one does not change the emulator
  (gw.snapshot() as Any).usagePlans.length = 0;
  assert.equal(((await call(gw, "DescribeUsagePlansStatus", {}, ctx)) as Any).Result.TotalCount, 1);
});

Deno.test("apigateway modify actions: service, usage plan, OAuth API increment, API-app views", async () => {
  const { gw, ctx } = setup();
  ctx.nowMs += 1000;
  await call(gw, "ModifyService", {
    ServiceId: SVC,
    ServiceDesc: "changed",
    NetTypes: ["OUTER", "INNER"],
  }, ctx);
  const svc: Any = await call(gw, "DescribeService", { ServiceId: SVC }, ctx);
  assert.equal(svc.ServiceDesc, "changed");
  assert.deepEqual(svc.NetTypes, ["OUTER", "INNER"]);
  assert.match(svc.InternalSubDomain, /\.internal$/);
  assert.equal(svc.ModifiedTime, "2026-11-23T10:00:01Z");
  await callError(
    gw,
    "ModifyService",
    { ServiceId: SVC, NetTypes: ["INNER"] },
    ctx,
    "UnsupportedOperation.ReduceNetTypes",
  );
  await callError(
    gw,
    "ModifyService",
    { ServiceId: SVC, Protocol: "gopher" },
    ctx,
    "InvalidParameterValue.NotInOptions",
  );
  const forApp: Any = await call(gw, "DescribeServiceForApiApp", {
    ServiceId: SVC,
    ApiRegion: "ap-guangzhou",
  }, ctx);
  assert.equal(forApp.ServiceName, "demo-service");
  assert.equal(forApp.InstanceId, undefined);
  const apiForApp: Any = await call(gw, "DescribeApiForApiApp", {
    ServiceId: SVC,
    ApiId: "api-demo0002",
    ApiRegion: "ap-guangzhou",
  }, ctx);
  assert.equal(apiForApp.Result.RequestConfig.Path, "/payments");

  const planId = ((await call(
    gw,
    "CreateUsagePlan",
    { UsagePlanName: "p", MaxRequestNumPreSec: 10 },
    ctx,
  )) as Any)
    .Result.UsagePlanId;
  const modified: Any = await call(gw, "ModifyUsagePlan", {
    UsagePlanId: planId,
    MaxRequestNum: 1000,
  }, ctx);
  assert.equal(modified.Result.MaxRequestNum, 1000);
  assert.equal(modified.Result.MaxRequestNumPreSec, 10);
  await callError(
    gw,
    "CreateUsagePlan",
    { UsagePlanName: "p", MaxRequestNumPreSec: 2001 },
    ctx,
    "InvalidParameterValue.InvalidMaxRequestNum",
  );
  await callError(
    gw,
    "CreateUsagePlan",
    { UsagePlanName: "p", MaxRequestNum: 0 },
    ctx,
    "InvalidParameterValue.InvalidMaxRequestNum",
  );
  const byName: Any = await call(gw, "DescribeUsagePlansStatus", {
    Filters: [{ Name: "UsagePlanName", Values: ["p"] }],
  }, ctx);
  assert.equal(byName.Result.TotalCount, 1);

  const oauth: Any = await call(gw, "CreateApi", {
    ServiceId: SVC,
    ServiceType: "MOCK",
    ServiceTimeout: 5,
    Protocol: "HTTP",
    ApiBusinessType: "OAUTH",
    RequestConfig: { Path: "/oauth", Method: "POST" },
    ServiceMockReturnMessage: "ok",
  }, ctx);
  await call(gw, "ModifyApiIncrement", {
    ServiceId: SVC,
    ApiId: oauth.Result.ApiId,
    BusinessType: "OAUTH",
    PublicKey: "pk-1",
  }, ctx);
  const api: Any = await call(
    gw,
    "DescribeApi",
    { ServiceId: SVC, ApiId: oauth.Result.ApiId },
    ctx,
  );
  assert.equal(api.Result.OauthConfig.PublicKey, "pk-1");
  await callError(
    gw,
    "ModifyApiIncrement",
    {
      ServiceId: SVC,
      ApiId: oauth.Result.ApiId,
      BusinessType: "NORMAL",
    },
    ctx,
    "InvalidParameterValue.InvalidApiBusinessType",
  );
  await callError(
    gw,
    "ModifyApiIncrement",
    {
      ServiceId: SVC,
      ApiId: oauth.Result.ApiId,
      BusinessType: "OAUTH",
    },
    ctx,
    "InvalidParameterValue.NothingModifyForOauth",
  );
});

Deno.test("apigateway resources are regional", async () => {
  const gw = createApigatewayEmulator();
  const gz = testContext({ region: "ap-guangzhou" });
  const sh = testContext({ region: "ap-shanghai", seed: 7 });
  await callError(gw, "DescribeService", { ServiceId: SVC }, sh, "ResourceNotFound.InvalidService");
  const shPlan: Any = await call(gw, "CreateUsagePlan", { UsagePlanName: "shanghai" }, sh);
  await callError(
    gw,
    "DescribeUsagePlan",
    { UsagePlanId: shPlan.Result.UsagePlanId },
    gz,
    "ResourceNotFound.InvalidUsagePlan",
  );
  // a plan of another region cannot be bound to the guangzhou demo service
  await callError(
    gw,
    "BindEnvironment",
    {
      UsagePlanIds: [shPlan.Result.UsagePlanId],
      ServiceId: SVC,
      Environment: "test",
      BindType: "SERVICE",
    },
    gz,
    "ResourceNotFound.InvalidUsagePlan",
  );
  const shServices: Any = await call(gw, "DescribeServicesStatus", {}, sh);
  assert.equal(shServices.Result.TotalCount, 0);
  const gzPlans: Any = await call(gw, "DescribeUsagePlansStatus", {}, gz);
  assert.equal(gzPlans.Result.TotalCount, 0);
  const shPlans: Any = await call(gw, "DescribeUsagePlansStatus", {}, sh);
  assert.equal(shPlans.Result.TotalCount, 1);
  assert.equal((gw.snapshot() as Any).usagePlans[0].Region, "ap-shanghai");
});

Deno.test("apigateway the provisioning workflow's calls, then its undo blocks in reverse order", async () => {
  const { gw, ctx } = setup();
  const service: Any = await call(gw, "CreateService", {
    ServiceName: "orders-api",
    Protocol: "http&https",
    ServiceDesc: "Provisioned by tcflow",
    NetTypes: ["OUTER"],
  }, ctx);
  const sid = service.ServiceId;
  const apiIds: string[] = [];
  for (const [method, name] of [["GET", "list-orders"], ["POST", "create-order"]]) {
    const api: Any = await call(gw, "CreateApi", {
      ServiceId: sid,
      ServiceType: "MOCK",
      ServiceTimeout: 15n,
      Protocol: "HTTP",
      ApiName: name,
      RequestConfig: { Path: "/orders", Method: method },
      ServiceMockReturnMessage: '{"ok": true}',
    }, ctx);
    apiIds.push(api.Result.ApiId);
  }
  await call(gw, "ReleaseService", {
    ServiceId: sid,
    EnvironmentName: "release",
    ReleaseDesc: "first",
  }, ctx);
  const plan: Any = await call(gw, "CreateUsagePlan", {
    UsagePlanName: "orders-api-plan",
    MaxRequestNum: -1,
    MaxRequestNumPreSec: 500,
  }, ctx);
  const pid = plan.Result.UsagePlanId;
  const bind = { UsagePlanIds: [pid], ServiceId: sid, Environment: "release", BindType: "SERVICE" };
  await call(gw, "BindEnvironment", bind, ctx);
  const released: Any = await call(gw, "DescribeApi", { ServiceId: sid, ApiId: apiIds[0] }, ctx);
  assert.deepEqual(released.Result.Environments, ["release"]);
  // rollback: undo blocks in reverse order
  await call(gw, "UnBindEnvironment", bind, ctx);
  await call(gw, "DeleteUsagePlan", { UsagePlanId: pid }, ctx);
  await call(gw, "UnReleaseService", { ServiceId: sid, EnvironmentName: "release" }, ctx);
  for (const apiId of apiIds.reverse()) {
    await call(gw, "DeleteApi", { ServiceId: sid, ApiId: apiId }, ctx);
  }
  await call(gw, "DeleteService", { ServiceId: sid }, ctx);
  assert.deepEqual(gw.snapshot(), createApigatewayEmulator().snapshot());
});
