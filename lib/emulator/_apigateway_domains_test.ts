import assert from "node:assert/strict";
import { createApigatewayEmulator } from "./apigateway.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

const SVC = "service-ody35h5e";

function setup() {
  return { gw: createApigatewayEmulator(), ctx: testContext() };
}

// deno-lint-ignore no-explicit-any
type Any = any;

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
