import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

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
