import assert from "node:assert/strict";
import { classifyError, codeMatches, NetworkError, TencentApiError } from "./errors.ts";

const site = { service: "trocket", action: "CreateTopic" };
const api = (code: string, httpStatus = 200) =>
  new TencentApiError({ ...site, code, message: "m", httpStatus, requestId: "r-1" });

Deno.test("codes retried by default", () => {
  for (
    const code of [
      "RequestLimitExceeded",
      "RequestLimitExceeded.UinLimitExceeded",
      "LimitExceeded.RateLimitExceeded",
      "ResourceUnavailable",
      "ResourceUnavailable.Instance",
      "ResourceBusy",
      "ResourceInUse.Topic",
      "FailedOperation.NetworkError",
    ]
  ) assert.equal(classifyError(api(code)), "retry", code);
});

Deno.test("codes never retried", () => {
  for (
    const code of [
      "InvalidParameter",
      "InvalidParameterValue.TopicName",
      "MissingParameter",
      "UnknownParameter",
      "AuthFailure.SignatureFailure",
      "AuthFailure.SignatureExpire",
      "UnauthorizedOperation",
      "ResourceNotFound.Topic",
      "UnsupportedOperation",
      "FailedOperation",
      "LimitExceeded.Topic",
    ]
  ) assert.equal(classifyError(api(code)), "never", code);
});

Deno.test("unknown outcomes: InternalError, timeouts, cuts after sending, HTTP 500/504", () => {
  assert.equal(classifyError(api("InternalError")), "unknown-outcome");
  assert.equal(classifyError(api("InternalError.DbError")), "unknown-outcome");
  assert.equal(classifyError(api("HttpStatus.500", 500)), "unknown-outcome");
  assert.equal(classifyError(api("HttpStatus.504", 504)), "unknown-outcome");
  assert.equal(classifyError(api("HttpStatus.503", 503)), "retry");
  assert.equal(classifyError(api("HttpStatus.502", 502)), "retry");
  const net = (phase: "before-send" | "after-send" | "timeout") =>
    new NetworkError({ ...site, phase, message: "x" });
  assert.equal(classifyError(net("timeout")), "unknown-outcome");
  assert.equal(classifyError(net("after-send")), "unknown-outcome");
  assert.equal(classifyError(net("before-send")), "retry");
  assert.equal(net("timeout").code, "NetworkError.Timeout");
});

Deno.test("retry.on adds codes and prefixes, even never-retried ones", () => {
  assert.equal(classifyError(api("FailedOperation.Busy"), ["FailedOperation.*"]), "retry");
  assert.equal(classifyError(api("ResourceNotFound.Topic"), ["ResourceNotFound.Topic"]), "retry");
  assert.equal(classifyError(api("ResourceNotFound.Group"), ["ResourceNotFound.Topic"]), "never");
  assert.equal(classifyError(api("InternalError"), ["InternalError"]), "unknown-outcome");
});

Deno.test("other errors are never retried", () => {
  assert.equal(classifyError(new Error("boom")), "never");
  assert.equal(classifyError("text"), "never");
});

Deno.test("code patterns", () => {
  assert.ok(codeMatches("AuthFailure.X", "AuthFailure.*"));
  assert.ok(!codeMatches("AuthFailure", "AuthFailure.*"));
  assert.ok(codeMatches("InternalError", "InternalError*"));
  assert.ok(!codeMatches("InternalErrors", "InternalError"));
});

Deno.test("the API error keeps code, request id, status and cause", () => {
  const cause = new Error("inner");
  const e = new TencentApiError({
    ...site,
    code: "X",
    message: "m",
    httpStatus: 200,
    requestId: "r",
    cause,
  });
  assert.equal(e.code, "X");
  assert.equal(e.requestId, "r");
  assert.equal(e.cause, cause);
  assert.equal(e.service, "trocket");
  assert.equal(e.action, "CreateTopic");
});
