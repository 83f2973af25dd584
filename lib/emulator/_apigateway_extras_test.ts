import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

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
