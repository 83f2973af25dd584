import assert from "node:assert/strict";
import { findHuaweiAction } from "../catalog/huawei.ts";
import { HuaweiApiError, HuaweiRequestError } from "./errors.ts";
import {
  buildHuaweiRequest,
  huaweiEndpoint,
  huaweiRequestParts,
  parseHuaweiAnswer,
} from "./request.ts";
import { verifyHuaweiRequest } from "../emulator/verify_huawei.ts";

const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers")!;
const credential = { ak: "HWAK", sk: "hw-secret", projectId: "proj-1" };

Deno.test("endpoint: cph.<region>.myhuaweicloud.com, or the endpoint URL", () => {
  const e = huaweiEndpoint({ service: "huaweicloud/cph", region: "cn-north-4" });
  assert.equal(e.host, "cph.cn-north-4.myhuaweicloud.com");
  assert.equal(e.url.href, "https://cph.cn-north-4.myhuaweicloud.com/");
  assert.equal(
    huaweiEndpoint({ service: "cph", region: "ap-southeast-1" }).host,
    "cph.ap-southeast-1.myhuaweicloud.com",
  );
  const local = huaweiEndpoint({
    service: "huaweicloud/cph",
    region: "",
    endpointUrl: "http://127.0.0.1:4566",
  });
  assert.equal(local.host, "127.0.0.1:4566");
  assert.throws(() => huaweiEndpoint({ service: "huaweicloud/cph", region: "" }), /needs a region/);
  assert.throws(
    () => huaweiEndpoint({ service: "huaweicloud/cph", region: "x", endpointUrl: "ftp://h" }),
    TypeError,
  );
});

Deno.test("parts: project_id from the credential, typed query values, unknown names refused", () => {
  const parts = huaweiRequestParts(spec, {
    limit: 10n,
    offset: 0,
    type: 1,
    server_id: "a b",
    status: null,
  }, "proj-1");
  assert.equal(parts.method, "GET");
  assert.equal(parts.path, "/v1/proj-1/cloud-phone/encode-servers");
  assert.deepEqual(parts.query, { limit: "10", offset: "0", type: "1", server_id: "a b" });
  assert.equal(parts.body.length, 0);
  const explicit = huaweiRequestParts(spec, { project_id: "p/2" }, "proj-1");
  assert.equal(explicit.path, "/v1/p%2F2/cloud-phone/encode-servers");
  assert.throws(
    () => huaweiRequestParts(spec, { Limit: 10 }, "p"),
    (e: unknown) =>
      e instanceof HuaweiRequestError && e.code === "E_PARAM" &&
      /unknown parameter `Limit`/.test(e.message),
  );
  assert.throws(
    () => huaweiRequestParts(spec, { limit: { n: 1 } }, "p"),
    /must be a string, number or boolean/,
  );
  assert.throws(() => huaweiRequestParts(spec, {}, ""), /missing path parameter `project_id`/);
});

Deno.test("the built request is signed over exactly the query it sends", async () => {
  const timestampMs = Date.UTC(2026, 0, 2, 3, 4, 5);
  const request = await buildHuaweiRequest({
    spec,
    params: { limit: 20, server_id: "x y*z", type: 0 },
    credential: { ...credential, securityToken: "temp-token" },
    endpoint: huaweiEndpoint({ service: spec.service, region: "cn-north-4" }),
    timestampMs,
  });
  const url = new URL(request.url);
  assert.equal(url.host, "cph.cn-north-4.myhuaweicloud.com");
  assert.equal(url.pathname, "/v1/proj-1/cloud-phone/encode-servers");
  assert.equal(url.search, "?limit=20&server_id=x%20y%2Az&type=0");
  assert.equal(request.headers.get("x-sdk-date"), "20260102T030405Z");
  assert.equal(request.headers.get("x-project-id"), "proj-1");
  assert.equal(request.headers.get("x-security-token"), "temp-token");
  assert.match(
    request.headers.get("authorization")!,
    /^SDK-HMAC-SHA256 Access=HWAK, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/,
  );
  const verify = (sk: string) =>
    verifyHuaweiRequest(
      { method: "GET", url, headers: request.headers, body: new Uint8Array() },
      { lookupSecret: () => sk, nowS: timestampMs / 1000 },
    );
  assert.equal((await verify("hw-secret")).ok, true);
  assert.equal((await verify("other")).ok, false);
});

Deno.test("a proxy endpoint's path is a prefix of the signed path", async () => {
  const request = await buildHuaweiRequest({
    spec,
    params: {},
    credential,
    endpoint: huaweiEndpoint({
      service: spec.service,
      region: "cn-north-4",
      endpointUrl: "http://127.0.0.1:9/hw/",
    }),
    timestampMs: 0,
  });
  assert.equal(new URL(request.url).pathname, "/hw/v1/proj-1/cloud-phone/encode-servers");
  assert.equal(request.headers.get("host"), "127.0.0.1:9");
});

Deno.test("answers: response without request_id (integers exact), errors as HuaweiApiError", () => {
  const ok = parseHuaweiAnswer(spec, {
    status: 200,
    headers: new Headers(),
    text: '{"encode_servers":[{"type":0,"listen":18446744073709551615}],"request_id":"r1"}',
  });
  assert.ok(ok.ok);
  assert.deepEqual(ok.result, {
    response: { encode_servers: [{ type: 0n, listen: 18446744073709551615n }] },
    requestId: "r1",
    httpStatus: 200,
  });
  const viaHeader = parseHuaweiAnswer(spec, {
    status: 200,
    headers: new Headers({ "x-request-id": "h" }),
    text: "{}",
  });
  assert.ok(viaHeader.ok);
  assert.equal(viaHeader.result.requestId, "h");
  const bad = parseHuaweiAnswer(spec, {
    status: 400,
    headers: new Headers(),
    text: '{"error_code":"CPS.0005","error_msg":"Invalid parameter","request_id":"r2"}',
  });
  assert.ok(!bad.ok);
  assert.ok(bad.error instanceof HuaweiApiError);
  assert.deepEqual([bad.error.code, bad.error.httpStatus, bad.error.requestId], [
    "CPS.0005",
    400,
    "r2",
  ]);
  const garbage = parseHuaweiAnswer(spec, { status: 200, headers: new Headers(), text: "<html>" });
  assert.ok(!garbage.ok);
  assert.equal(garbage.error.code, "InvalidResponse");
});
