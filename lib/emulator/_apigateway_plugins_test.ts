import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

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
  await call(
    gw,
    "ModifyPlugin",
    { PluginId: id1, PluginData: '{"max":20}', Description: "raised" },
    ctx,
  );
  const modified: Any = await call(gw, "DescribePlugin", { PluginId: id1 }, ctx);
  assert.equal(modified.Result.PluginData, '{"max":20}');
  assert.equal(modified.Result.Description, "raised");
  await callError(
    gw,
    "ModifyPlugin",
    { PluginId: id1, PluginData: "[" },
    ctx,
    "InvalidParameterValue.InvalidPluginConfig",
  );
  const byType: Any = await call(gw, "DescribePlugins", { PluginType: "TrafficControl" }, ctx);
  assert.equal(byType.Result.TotalCount, 2);
  await call(gw, "DeletePlugin", { PluginId: id1 }, ctx);
  await callError(gw, "DescribePlugin", { PluginId: id1 }, ctx, "ResourceNotFound.InvalidPlugin");
});
