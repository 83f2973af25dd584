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
import { codeMatches, type ErrorClass, NetworkError } from "../tencent/errors.ts";

/** Where a call is: its service (`huaweicloud/cph`), operation and HTTP method. */
export interface HuaweiCallSite {
  service: string;
  action: string;
  method: string;
}

/** An error answered by a Huawei Cloud API (or an HTTP error status without such a body). */
export class HuaweiApiError extends Error {
  /** Huawei's `error_code`, e.g. `CPS.0005`, `APIGW.0301`; `HttpStatus.<n>` without a body. */
  readonly code: string;
  readonly requestId?: string;
  readonly httpStatus: number;
  readonly service: string;
  readonly action: string;
  /** The HTTP method of the call (a GET is safe to repeat). */
  readonly method: string;

  constructor(
    init: HuaweiCallSite & {
      code: string;
      message: string;
      httpStatus: number;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "HuaweiApiError";
    this.code = init.code;
    if (init.requestId !== undefined && init.requestId !== "") this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.service = init.service;
    this.action = init.action;
    this.method = init.method.toUpperCase();
  }
}

/** A request that cannot be built from the given parameters (nothing was sent). */
export class HuaweiRequestError extends Error {
  /** `E_PARAM` (a parameter cannot be sent) or `E_UNKNOWN_ACTION`. */
  readonly code: "E_PARAM" | "E_UNKNOWN_ACTION";
  constructor(message: string, code: "E_PARAM" | "E_UNKNOWN_ACTION" = "E_PARAM") {
    super(message);
    this.name = "HuaweiRequestError";
    this.code = code;
  }
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
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
