import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

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
  await call(gw, "DisableApiKey", { AccessKeyId: auto.Result.AccessKeyId }, ctx);
  const enabled0: Any = await call(gw, "DescribeApiKeysStatus", {
    Filters: [{ Name: "Status", Values: ["1"] }],
  }, ctx);
  assert.equal(enabled0.Result.TotalCount, 0);
  await call(gw, "EnableApiKey", { AccessKeyId: auto.Result.AccessKeyId }, ctx);
  const enabled: Any = await call(gw, "DescribeApiKeysStatus", {
    Filters: [{ Name: "Status", Values: ["1"] }],
  }, ctx);
  assert.equal(enabled.Result.TotalCount, 1);
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
