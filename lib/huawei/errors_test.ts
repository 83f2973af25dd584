import assert from "node:assert/strict";
import { NetworkError } from "../tencent/errors.ts";
import {
  classifyHuaweiError,
  HuaweiApiError,
  huaweiErrorFromAnswer,
  HuaweiRequestError,
} from "./errors.ts";

const site = { service: "huaweicloud/cph", action: "ListEncodeServers", method: "GET" };

function apiError(httpStatus: number, code: string, method = "GET"): HuaweiApiError {
  return new HuaweiApiError({ ...site, method, code, message: "m", httpStatus });
}

Deno.test("429 and 5xx are retried; a 500/504 of an unsafe method has an unknown outcome", () => {
  assert.equal(classifyHuaweiError(apiError(429, "APIGW.0308")), "retry");
  assert.equal(classifyHuaweiError(apiError(429, "CPS.9999", "POST")), "retry");
  for (const status of [500, 502, 503, 504]) {
    assert.equal(
      classifyHuaweiError(apiError(status, `HttpStatus.${status}`)),
      "retry",
      `GET ${status}`,
    );
  }
  assert.equal(classifyHuaweiError(apiError(500, "CPS.0000", "POST")), "unknown-outcome");
  assert.equal(classifyHuaweiError(apiError(504, "HttpStatus.504", "PUT")), "unknown-outcome");
  assert.equal(classifyHuaweiError(apiError(503, "HttpStatus.503", "POST")), "retry");
});

Deno.test("client errors are never retried unless retry.on names them", () => {
  assert.equal(classifyHuaweiError(apiError(400, "CPS.0005")), "never");
  assert.equal(classifyHuaweiError(apiError(401, "APIGW.0301")), "never");
  assert.equal(classifyHuaweiError(apiError(403, "CPS.0001")), "never");
  assert.equal(classifyHuaweiError(apiError(404, "APIGW.0101")), "never");
  assert.equal(classifyHuaweiError(apiError(400, "CPS.0005"), ["CPS.0005"]), "retry");
  assert.equal(classifyHuaweiError(apiError(409, "CPS.1027"), ["CPS.*"]), "retry");
  assert.equal(classifyHuaweiError(apiError(400, "APIGW.0308")), "retry");
  assert.equal(classifyHuaweiError(new HuaweiRequestError("bad")), "never");
  assert.equal(classifyHuaweiError(new Error("x")), "never");
});

Deno.test("network errors are classified as for Tencent", () => {
  const net = (phase: "before-send" | "after-send" | "timeout") =>
    new NetworkError({ service: site.service, action: site.action, phase, message: "x" });
  assert.equal(classifyHuaweiError(net("before-send")), "retry");
  assert.equal(classifyHuaweiError(net("after-send")), "unknown-outcome");
  assert.equal(classifyHuaweiError(net("timeout")), "unknown-outcome");
});

Deno.test("error answers: Huawei's body, the {error:{code,message}} shape, or the status alone", () => {
  const headers = new Headers({ "x-request-id": "hdr-id" });
  const a = huaweiErrorFromAnswer(site, { status: 400, text: "", headers }, {
    error_code: "CPS.0005",
    error_msg: "Invalid parameter",
    request_id: "body-id",
  });
  assert.equal(a.code, "CPS.0005");
  assert.equal(a.message, "Invalid parameter");
  assert.equal(a.requestId, "body-id");
  assert.equal(a.httpStatus, 400);
  assert.equal(a.method, "GET");
  const b = huaweiErrorFromAnswer(site, { status: 403, text: "", headers }, {
    error: { code: "IAM.0001", message: "denied" },
  });
  assert.deepEqual([b.code, b.message, b.requestId], ["IAM.0001", "denied", "hdr-id"]);
  const c = huaweiErrorFromAnswer(site, {
    status: 502,
    text: "<html>Bad   Gateway</html>",
    headers: new Headers(),
  }, undefined);
  assert.deepEqual([c.code, c.message, c.requestId], [
    "HttpStatus.502",
    "HTTP 502 <html>Bad Gateway</html>",
    undefined,
  ]);
});
