/**
 * Errors of Huawei Cloud REST calls, as data, and their retry classification.
 *
 * Huawei Cloud answers a failure with an HTTP error status and a JSON body
 * `{"error_code": "CPS.0005", "error_msg": "…", "request_id": "…"}` (the API gateway's own
 * failures use the same shape with `APIGW.*` codes, e.g. `APIGW.0301` for a bad signature).
 * Network failures are the Tencent client's {@link NetworkError} (same phases, same meaning).
 *
 * Retry rules: HTTP 429 (throttled) and 5xx are retried. A 5xx on a safe method (GET, HEAD)
 * is a plain `retry`; on other methods 500/504 mean the request may have been applied
 * (`unknown-outcome`, as for Tencent), while 502/503 mean it never reached the service.
 * Everything else (400 bad parameters, 401/403 authentication and permission, 404) is never
 * retried, unless a step's `retry.on` names the code.
 *
 * @module
 */
import { type ErrorClass, HuaweiApiError, type HuaweiCallSite, NetworkError } from "../errors.ts";
import { codeMatches } from "../tencent/errors.ts";

export { HuaweiApiError, type HuaweiCallSite, HuaweiRequestError } from "../errors.ts";
import { isRecord } from "../json.ts";

/** Error codes retried whatever the HTTP status: the API gateway's throttling answers. */
export const HUAWEI_RETRY_CODES: readonly string[] = ["APIGW.0308", "APIG.0308"];

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Classifies a failed Huawei Cloud call. `extraCodes` (a step's `retry.on`, exact codes or `*`
 * prefixes) are retried too.
 *
 * @example
 * ```ts
 * classifyHuaweiError(new HuaweiApiError({ service: "huaweicloud/cph", action: "ListEncodeServers",
 *   method: "GET", code: "APIGW.0308", message: "throttled", httpStatus: 429 })); // "retry"
 * ```
 */
export function classifyHuaweiError(
  err: unknown,
  extraCodes: readonly string[] = [],
): ErrorClass {
  if (err instanceof NetworkError) {
    return err.phase === "before-send" ? "retry" : "unknown-outcome";
  }
  if (!(err instanceof HuaweiApiError)) return "never";
  if (err.httpStatus >= 500) {
    if (SAFE_METHODS.has(err.method)) return "retry";
    return err.httpStatus === 502 || err.httpStatus === 503 ? "retry" : "unknown-outcome";
  }
  if (err.httpStatus === 429) return "retry";
  if (HUAWEI_RETRY_CODES.some((p) => codeMatches(err.code, p))) return "retry";
  if (extraCodes.some((p) => codeMatches(err.code, p))) return "retry";
  return "never";
}

/**
 * The {@link HuaweiApiError} of an HTTP error answer. Reads `error_code`/`error_msg`/`request_id`
 * (also the `{"error": {"code", "message"}}` shape some services use), else names the status.
 * The request id falls back to the `X-Request-Id` header.
 */
export function huaweiErrorFromAnswer(
  site: HuaweiCallSite,
  answer: { status: number; text: string; headers: Headers },
  body: unknown,
): HuaweiApiError {
  const headerId = answer.headers.get("x-request-id") ?? undefined;
  const inner = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const pick = (...values: unknown[]) =>
    values.find((v) => typeof v === "string") as string | undefined;
  const code = isRecord(body) ? pick(body.error_code, inner?.code, body.code) : undefined;
  const message = isRecord(body) ? pick(body.error_msg, inner?.message, body.message) : undefined;
  const requestId = (isRecord(body) ? pick(body.request_id) : undefined) ?? headerId;
  return new HuaweiApiError({
    ...site,
    code: code ?? `HttpStatus.${answer.status}`,
    message: message ??
      `HTTP ${answer.status} ${answer.text.slice(0, 120).replace(/\s+/g, " ")}`.trim(),
    httpStatus: answer.status,
    requestId,
  });
}
