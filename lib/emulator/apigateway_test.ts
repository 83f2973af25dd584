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
  // binding again is idempotent
  await call(gw, "BindEnvironment", {
    UsagePlanIds: [planId],
    ServiceId: SVC,
    Environment: "test",
    BindType: "SERVICE",
  }, ctx);

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

Deno.test("apigateway API keys: create, bind to a plan, disable, delete rules", async () => {
  const { gw, ctx } = setup();
  const auto: Any = await call(gw, "CreateApiKey", { SecretName: "auto-key" }, ctx);
  assert.match(auto.Result.AccessKeyId, /^AKID[A-Za-z0-9]{32}$/);
  assert.equal(auto.Result.AccessKeySecret.length, 40);
  assert.equal(auto.Result.Status, 1);
  const manualParams = {
    SecretName: "manual",
    AccessKeyType: "manual",
    AccessKeyId: "my_key_1",
    AccessKeySecret: "my_secret_123",
  };
  await call(gw, "CreateApiKey", manualParams, ctx);
  await callError(gw, "CreateApiKey", manualParams, ctx, "FailedOperation.AccessKeyExist");

  const planId =
    ((await call(gw, "CreateUsagePlan", { UsagePlanName: "p" }, ctx)) as Any).Result.UsagePlanId;
  await call(gw, "BindSecretIds", {
    UsagePlanId: planId,
    AccessKeyIds: [auto.Result.AccessKeyId, "my_key_1"],
  }, ctx);
  await callError(
    gw,
    "BindSecretIds",
    { UsagePlanId: planId, AccessKeyIds: ["my_key_1"] },
    ctx,
    "UnsupportedOperation.AlreadyBindUsagePlan",
  );
  await callError(
    gw,
    "BindSecretIds",
    { UsagePlanId: planId, AccessKeyIds: ["nope"] },
    ctx,
    "ResourceNotFound.InvalidAccessKeyId",
  );
  const secrets: Any = await call(gw, "DescribeUsagePlanSecretIds", { UsagePlanId: planId }, ctx);
  assert.deepEqual(secrets.Result.AccessKeyList.map((k: Any) => k.SecretName), [
    "auto-key",
    "manual",
  ]);
  const plan: Any = await call(gw, "DescribeUsagePlan", { UsagePlanId: planId }, ctx);
  assert.equal(plan.Result.BindSecretIdTotalCount, 2);
  const unbound: Any = await call(gw, "DescribeApiKeysStatus", {
    Filters: [{ Name: "NotUsagePlanId", Values: [planId] }],
  }, ctx);
  assert.equal(unbound.Result.TotalCount, 0);

  await callError(
    gw,
    "DeleteApiKey",
    { AccessKeyId: "my_key_1" },
    ctx,
    "UnsupportedOperation.InvalidStatus",
  );
  await call(gw, "DisableApiKey", { AccessKeyId: "my_key_1" }, ctx);
  await callError(
    gw,
    "DeleteApiKey",
    { AccessKeyId: "my_key_1" },
    ctx,
    "UnsupportedOperation.ResourceIsInUse",
  );
  await call(gw, "UnBindSecretIds", { UsagePlanId: planId, AccessKeyIds: ["my_key_1"] }, ctx);
  await call(gw, "DeleteApiKey", { AccessKeyId: "my_key_1" }, ctx);
  await callError(
    gw,
    "DescribeApiKey",
    { AccessKeyId: "my_key_1" },
    ctx,
    "ResourceNotFound.InvalidAccessKeyId",
  );

  const before = auto.Result.AccessKeySecret;
  const updated: Any = await call(
    gw,
    "UpdateApiKey",
    { AccessKeyId: auto.Result.AccessKeyId },
    ctx,
  );
  assert.notEqual(updated.Result.AccessKeySecret, before);
  const disabled: Any = await call(gw, "DescribeApiKeysStatus", {
    Filters: [{ Name: "Status", Values: ["1"] }],
  }, ctx);
  assert.equal(disabled.Result.TotalCount, 1);
});

Deno.test("apigateway IP strategies: create, bind to APIs per environment, list, unbind", async () => {
  const { gw, ctx } = setup();
  const created: Any = await call(gw, "CreateIPStrategy", {
    ServiceId: SVC,
    StrategyName: "office",
    StrategyType: "WHITE",
    StrategyData: "10.0.0.0/8\n192.168.1.1",
  }, ctx);
  const sid = created.Result.StrategyId;
  assert.match(sid, /^IPStrategy-/);
  await callError(
    gw,
    "CreateIPStrategy",
    { ServiceId: SVC, StrategyName: "x", StrategyType: "WHITE", StrategyData: "not-an-ip" },
    ctx,
    "InvalidParameter.FormatError",
  );
  await call(gw, "BindIPStrategy", {
    ServiceId: SVC,
    StrategyId: sid,
    EnvironmentName: "test",
    BindApiIds: ["api-demo0001"],
  }, ctx);
  const d: Any = await call(gw, "DescribeIPStrategy", {
    ServiceId: SVC,
    StrategyId: sid,
    EnvironmentName: "test",
  }, ctx);
  assert.equal(d.Result.BindApiTotalCount, 1);
  assert.equal(d.Result.BindApis[0].ApiId, "api-demo0001");
  const free: Any = await call(gw, "DescribeIPStrategyApisStatus", {
    ServiceId: SVC,
    StrategyId: sid,
    EnvironmentName: "test",
  }, ctx);
  assert.deepEqual(free.Result.ApiIdStatusSet.map((a: Any) => a.ApiId), ["api-demo0002"]);
  const list: Any = await call(gw, "DescribeIPStrategysStatus", {
    ServiceId: SVC,
    Filters: [{ Name: "StrategyName", Values: ["off"] }],
  }, ctx);
  assert.equal(list.Result.TotalCount, 1);
  await callError(
    gw,
    "DeleteApi",
    { ServiceId: SVC, ApiId: "api-demo0001" },
    ctx,
    "UnsupportedOperation.ResourceAssociated",
  );
  await call(gw, "UnBindIPStrategy", {
    ServiceId: SVC,
    StrategyId: sid,
    EnvironmentName: "test",
    UnBindApiIds: ["api-demo0001"],
  }, ctx);
  await call(
    gw,
    "ModifyIPStrategy",
    { ServiceId: SVC, StrategyId: sid, StrategyData: "1.2.3.4" },
    ctx,
  );
  await call(gw, "DeleteIPStrategy", { ServiceId: SVC, StrategyId: sid }, ctx);
  await callError(
    gw,
    "DescribeIPStrategy",
    { ServiceId: SVC, StrategyId: sid },
    ctx,
    "ResourceNotFound.InvalidIPStrategy",
  );
});

Deno.test("apigateway plugins: create, attach, same-type clash, list by API, detach, delete", async () => {
  const { gw, ctx } = setup();
  const p1: Any = await call(gw, "CreatePlugin", {
    PluginName: "limit",
    PluginType: "TrafficControl",
    PluginData: '{"max":10}',
  }, ctx);
  const p2: Any = await call(gw, "CreatePlugin", {
    PluginName: "limit2",
    PluginType: "TrafficControl",
    PluginData: '{"max":5}',
  }, ctx);
  await callError(
    gw,
    "CreatePlugin",
    { PluginName: "bad", PluginType: "Magic", PluginData: "{}" },
    ctx,
    "InvalidParameterValue.NotInOptions",
  );
  await callError(
    gw,
    "CreatePlugin",
    { PluginName: "bad", PluginType: "Cors", PluginData: "{oops" },
    ctx,
    "InvalidParameterValue.InvalidPluginConfig",
  );
  const id1 = p1.Result.PluginId;
  await call(gw, "AttachPlugin", {
    PluginId: id1,
    ServiceId: SVC,
    EnvironmentName: "test",
    ApiIds: ["api-demo0001", "api-demo0002"],
  }, ctx);
  await callError(
    gw,
    "AttachPlugin",
    {
      PluginId: p2.Result.PluginId,
      ServiceId: SVC,
      EnvironmentName: "test",
      ApiIds: ["api-demo0001"],
    },
    ctx,
    "InvalidParameterValue.DuplicatePluginConfig",
  );
  const byApi: Any = await call(gw, "DescribePluginsByApi", {
    ServiceId: SVC,
    ApiId: "api-demo0001",
  }, ctx);
  assert.deepEqual(byApi.Result.PluginSummary.map((p: Any) => p.PluginId), [id1]);
  const apis: Any = await call(gw, "DescribePluginApis", { PluginId: id1 }, ctx);
  assert.equal(apis.Result.TotalCount, 2);
  const all: Any = await call(gw, "DescribeAllPluginApis", {
    ServiceId: SVC,
    PluginId: p2.Result.PluginId,
    EnvironmentName: "test",
  }, ctx);
  assert.deepEqual(all.Result.ApiSet.map((a: Any) => [a.IsAttached, a.AttachedOtherPlugin]), [[
    false,
    true,
  ], [false, true]]);
  const plugin: Any = await call(gw, "DescribePlugin", { PluginId: id1, Limit: 1 }, ctx);
  assert.equal(plugin.Result.AttachedApiTotalCount, 2);
  assert.equal(plugin.Result.AttachedApis.length, 1);
  await call(gw, "DetachPlugin", {
    PluginId: id1,
    ServiceId: SVC,
    EnvironmentName: "test",
    ApiId: "api-demo0001",
  }, ctx);
  await callError(
    gw,
    "DetachPlugin",
    { PluginId: id1, ServiceId: SVC, EnvironmentName: "test", ApiId: "api-demo0001" },
    ctx,
    "InvalidParameterValue.InvalidApiIds",
  );
  const byType: Any = await call(gw, "DescribePlugins", { PluginType: "TrafficControl" }, ctx);
  assert.equal(byType.Result.TotalCount, 2);
  await call(gw, "DeletePlugin", { PluginId: id1 }, ctx);
  await callError(gw, "DescribePlugin", { PluginId: id1 }, ctx, "ResourceNotFound.InvalidPlugin");
});

Deno.test("apigateway custom domains: bind, mappings, modify, unbind", async () => {
  const { gw, ctx } = setup();
  const net = `${SVC}-1300000000.gz.apigw.tencentcs.com`;
  const base = {
    ServiceId: SVC,
    SubDomain: "api.example.com",
    Protocol: "http",
    NetType: "OUTER",
    NetSubDomain: net,
  };
  await callError(
    gw,
    "BindSubDomain",
    { ...base, IsDefaultMapping: true, NetSubDomain: "wrong" },
    ctx,
    "FailedOperation.NetSubDomainError",
  );
  await callError(
    gw,
    "BindSubDomain",
    { ...base, IsDefaultMapping: true, Protocol: "https" },
    ctx,
    "FailedOperation.CertificateIsNull",
  );
  await callError(
    gw,
    "BindSubDomain",
    { ...base, IsDefaultMapping: false },
    ctx,
    "FailedOperation.DefineMappingNotNull",
  );
  await callError(
    gw,
    "BindSubDomain",
    { ...base, SubDomain: "not a domain", IsDefaultMapping: true },
    ctx,
    "FailedOperation.SubDomainFormatError",
  );
  await call(gw, "BindSubDomain", {
    ...base,
    IsDefaultMapping: false,
    PathMappingSet: [{ Path: "/t", Environment: "test" }, { Path: "/", Environment: "release" }],
  }, ctx);
  await callError(
    gw,
    "BindSubDomain",
    { ...base, IsDefaultMapping: true },
    ctx,
    "FailedOperation.DomainAlreadyBindService",
  );
  const domains: Any = await call(gw, "DescribeServiceSubDomains", { ServiceId: SVC }, ctx);
  assert.equal(domains.Result.DomainSet[0].DomainName, "api.example.com");
  const maps: Any = await call(gw, "DescribeServiceSubDomainMappings", {
    ServiceId: SVC,
    SubDomain: "api.example.com",
  }, ctx);
  assert.equal(maps.Result.PathMappingSet.length, 2);
  await call(gw, "DeleteServiceSubDomainMapping", {
    ServiceId: SVC,
    SubDomain: "api.example.com",
    Environment: "test",
  }, ctx);
  await callError(
    gw,
    "DeleteServiceSubDomainMapping",
    { ServiceId: SVC, SubDomain: "api.example.com", Environment: "test" },
    ctx,
    "FailedOperation.DeletePathMappingSetError",
  );
  await call(gw, "ModifySubDomain", {
    ServiceId: SVC,
    SubDomain: "api.example.com",
    IsDefaultMapping: true,
    Protocol: "http&https",
    CertificateId: "cert-1",
  }, ctx);
  const after: Any = await call(gw, "DescribeServiceSubDomains", { ServiceId: SVC }, ctx);
  assert.equal(after.Result.DomainSet[0].Protocol, "http&https");
  assert.equal(after.Result.DomainSet[0].IsDefaultMapping, true);
  await call(gw, "UnBindSubDomain", { ServiceId: SVC, SubDomain: "api.example.com" }, ctx);
  await callError(
    gw,
    "UnBindSubDomain",
    { ServiceId: SVC, SubDomain: "api.example.com" },
    ctx,
    "FailedOperation.DomainNotBindService",
  );
});

Deno.test("apigateway upstreams: create, APIs bound through UPSTREAM backends, delete rules", async () => {
  const { gw, ctx } = setup();
  const up: Any = await call(gw, "CreateUpstream", {
    Scheme: "HTTP",
    Algorithm: "ROUND-ROBIN",
    UniqVpcId: "vpc-123456",
    UpstreamName: "backend",
    Nodes: [{ Host: "10.0.0.1", Port: 8080, Weight: 100 }],
  }, ctx);
  const uid = up.UpstreamId;
  await callError(
    gw,
    "CreateUpstream",
    { Scheme: "FTP", Algorithm: "ROUND-ROBIN", UniqVpcId: "vpc-1" },
    ctx,
    "InvalidParameterValue.NotInOptions",
  );
  const api: Any = await call(gw, "CreateApi", {
    ServiceId: SVC,
    ServiceType: "UPSTREAM",
    ServiceTimeout: 10,
    Protocol: "HTTP",
    RequestConfig: { Path: "/up", Method: "GET" },
    ServiceConfig: { UpstreamId: uid, Path: "/", Method: "GET" },
  }, ctx);
  const bound: Any = await call(gw, "DescribeUpstreamBindApis", {
    UpstreamId: uid,
    Limit: 10,
    Offset: 0,
  }, ctx);
  assert.deepEqual(bound.Result.BindApiSet.map((b: Any) => b.ApiId), [api.Result.ApiId]);
  await callError(
    gw,
    "DeleteUpstream",
    { UpstreamId: uid },
    ctx,
    "UnsupportedOperation.UnsupportedDeleteUpstream",
  );
  const modified: Any = await call(gw, "ModifyUpstream", { UpstreamId: uid, Retries: 2 }, ctx);
  assert.equal(modified.Result.Retries, 2);
  const list: Any = await call(gw, "DescribeUpstreams", {
    Limit: 10,
    Offset: 0,
    Filters: [{ Name: "UpstreamName", Values: ["back"] }],
  }, ctx);
  assert.equal(list.Result.UpstreamSet[0].Nodes[0].Port, 8080);
  await call(gw, "DeleteApi", { ServiceId: SVC, ApiId: api.Result.ApiId }, ctx);
  assert.deepEqual(await call(gw, "DeleteUpstream", { UpstreamId: uid }, ctx), { UpstreamId: uid });
  await callError(
    gw,
    "CreateApi",
    {
      ServiceId: SVC,
      ServiceType: "UPSTREAM",
      ServiceTimeout: 10,
      Protocol: "HTTP",
      RequestConfig: { Path: "/up", Method: "GET" },
      ServiceConfig: { UpstreamId: uid },
    },
    ctx,
    "InvalidParameterValue.InvalidUpstream",
  );
});

Deno.test("apigateway API apps: create, DescribeApiApp, bind to APP-auth APIs, delete rules", async () => {
  const { gw, ctx } = setup();
  const app: Any = await call(gw, "CreateApiApp", { ApiAppName: "mobile" }, ctx);
  const appId = app.Result.ApiAppId;
  assert.match(appId, /^app-/);
  const one: Any = await call(gw, "DescribeApiApp", { ApiAppId: appId }, ctx);
  assert.equal(one.Result.TotalCount, 1);
  assert.equal(one.Result.ApiAppSet[0].ApiAppName, "mobile");
  const nothing: Any = await call(gw, "DescribeApiApp", { ApiAppId: "app-nope" }, ctx);
  assert.deepEqual(nothing.Result, { TotalCount: 0, ApiAppSet: [] });
  const bind = { ApiAppId: appId, Environment: "test", ServiceId: SVC, ApiId: "api-demo0001" };
  await callError(gw, "BindApiApp", bind, ctx, "UnsupportedOperation.UnsupportedBindEnvironment");
  const appApi: Any = await call(gw, "CreateApi", {
    ServiceId: SVC,
    ServiceType: "MOCK",
    ServiceTimeout: 5,
    Protocol: "HTTP",
    AuthType: "APP",
    RequestConfig: { Path: "/app", Method: "GET" },
    ServiceMockReturnMessage: "ok",
  }, ctx);
  const bindApp = { ...bind, ApiId: appApi.Result.ApiId };
  await call(gw, "BindApiApp", bindApp, ctx);
  await callError(gw, "BindApiApp", bindApp, ctx, "UnsupportedOperation.ResourceAssociated");
  const apis: Any = await call(gw, "DescribeApiAppBindApisStatus", { ApiAppId: appId }, ctx);
  assert.equal(apis.Result.ApiAppApiSet[0].ApiId, appApi.Result.ApiId);
  const apps: Any = await call(gw, "DescribeApiBindApiAppsStatus", {
    ServiceId: SVC,
    ApiIds: [appApi.Result.ApiId],
  }, ctx);
  assert.equal(apps.Result.ApiAppApiSet[0].ApiAppName, "mobile");
  await callError(
    gw,
    "DeleteApiApp",
    { ApiAppId: appId },
    ctx,
    "UnsupportedOperation.ResourceAssociated",
  );
  await call(gw, "UnbindApiApp", bindApp, ctx);
  await callError(gw, "UnbindApiApp", bindApp, ctx, "UnsupportedOperation.ResourceUnassociated");
  await call(gw, "UpdateApiAppKey", { ApiAppId: appId, ApiAppKey: app.Result.ApiAppKey }, ctx);
  await call(gw, "ModifyApiApp", { ApiAppId: appId, ApiAppName: "mobile2" }, ctx);
  const listed: Any = await call(gw, "DescribeApiAppsStatus", {
    Filters: [{ Name: "KeyWord", Values: ["mobile2"] }],
  }, ctx);
  assert.equal(listed.Result.TotalCount, 1);
  await call(gw, "DeleteApiApp", { ApiAppId: appId }, ctx);
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

Deno.test("apigateway ImportOpenApi creates one API per operation", async () => {
  const { gw, ctx } = setup();
  const content = [
    "openapi: 3.0.0",
    "info: { title: t, version: '1' }",
    "paths:",
    "  /users:",
    "    get: { operationId: listUsers }",
    "    post: { summary: create }",
    "  /orders:",
    "    get: { operationId: dup }",
  ].join("\n");
  const r: Any = await call(gw, "ImportOpenApi", { ServiceId: SVC, Content: content }, ctx);
  assert.equal(r.Result.TotalCount, 3);
  assert.deepEqual(r.Result.ApiSet.map((a: Any) => a.Status), ["success", "success", "failure"]);
  assert.equal(r.Result.ApiSet[0].ApiName, "listUsers");
  const listed: Any = await call(gw, "DescribeApisStatus", {
    ServiceId: SVC,
    Filters: [{ Name: "ApiPath", Values: ["/users"] }],
  }, ctx);
  assert.equal(listed.Result.TotalCount, 2);
  await callError(
    gw,
    "ImportOpenApi",
    { ServiceId: SVC, Content: "just text" },
    ctx,
    "InvalidParameterValue.UnsupportedParameter",
  );
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
