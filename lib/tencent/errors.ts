/**
 * Errors of Tencent Cloud API calls, as data: the API's own error (`code`, `requestId`, HTTP
 * status), network failures (with whether the request may have been applied), and the retry
 * classification of PRODUCT.md section 5.
 *
 * @module
 */

/** Where a call is: its service and action (both kept on every error). */
export interface CallSite {
  /** Service name, e.g. `trocket`. */
  service: string;
  /** Action name, e.g. `DescribeTopicList`. */
  action: string;
}

/**
 * An error answered by the API (`{"Response": {"Error": {Code, Message}, RequestId}}`), or an
 * HTTP error status without such a body (`code` is then `HttpStatus.<status>`), or a
 * response that cannot be read (`code` `InvalidResponse`).
 *
 * @example
 * ```ts
 * import { TencentApiError } from "./errors.ts";
 * import { createClient } from "../client/client.ts";
 *
 * const client = createClient({ region: "ap-guangzhou", emulator: true });
 * try {
 *   await client.trocket.DescribeTopicList({ InstanceId: "rmq-missing" });
 * } catch (error) {
 *   if (!(error instanceof TencentApiError)) throw error;
 *   console.log(error.code, error.httpStatus, error.requestId); // "ResourceNotFound.Instance" 200 "…"
 * }
 * ```
 */
export class TencentApiError extends Error {
  /** Tencent's error code, e.g. `ResourceNotFound.Topic`, `RequestLimitExceeded`. */
  readonly code: string;
  /** The API's `RequestId`, when it answered. */
  readonly requestId?: string;
  /** HTTP status of the answer (200 for API errors; 0 when nothing was sent). */
  readonly httpStatus: number;
  /** The service called, e.g. `trocket`. */
  readonly service: string;
  /** The action called, e.g. `CreateTopic`. */
  readonly action: string;

  /** Creates the error; `cause` is kept. */
  constructor(
    init: CallSite & {
      code: string;
      message: string;
      httpStatus: number;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TencentApiError";
    this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.service = init.service;
    this.action = init.action;
  }
}

/**
 * Where a network failure happened, i.e. whether the request may have been applied:
 * - `before-send`: the request never left (DNS, connection refused): safe to retry;
 * - `after-send`: the connection broke once the request was (possibly) sent: unknown outcome;
 * - `timeout`: no answer within the per-request timeout: unknown outcome.
 */
export type NetworkPhase = "before-send" | "after-send" | "timeout";

/**
 * The call did not get an HTTP answer.
 *
 * @example
 * ```ts
 * import { classifyError, NetworkError } from "./errors.ts";
 * const error = new NetworkError({
 *   service: "trocket",
 *   action: "CreateTopic",
 *   phase: "after-send",
 *   message: "trocket.CreateTopic: the connection broke",
 * });
 * console.log(error.code, classifyError(error)); // "NetworkError.AfterSend" "unknown-outcome"
 * ```
 */
export class NetworkError extends Error {
  /** Stable code for reports: `NetworkError.BeforeSend`, `NetworkError.AfterSend`, `NetworkError.Timeout`. */
  readonly code: string;
  /** Whether the request may have been applied. */
  readonly phase: NetworkPhase;
  /** The service called. */
  readonly service: string;
  /** The action called. */
  readonly action: string;

  /** Creates the error; `cause` is kept. */
  constructor(
    init: CallSite & { phase: NetworkPhase; message: string; cause?: unknown },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "NetworkError";
    this.phase = init.phase;
    this.service = init.service;
    this.action = init.action;
    this.code = init.phase === "timeout"
      ? "NetworkError.Timeout"
      : init.phase === "before-send"
      ? "NetworkError.BeforeSend"
      : "NetworkError.AfterSend";
  }
}

/**
 * What to do about a failed call:
 * - `retry`: safe to send again;
 * - `never`: sending again cannot help (bad parameters, no permission, not found …);
 * - `unknown-outcome`: the request may have been applied (timeout, connection cut after
 *   sending, `InternalError*`, HTTP 500/504): a read may be retried; a mutating action only
 *   with a stable `ClientToken`.
 */
export type ErrorClass = "retry" | "never" | "unknown-outcome";

/** Codes retried by default (PRODUCT.md section 5); a trailing `*` is a prefix. */
export const RETRY_CODES: readonly string[] = [
  "RequestLimitExceeded*",
  "LimitExceeded.RateLimitExceeded",
  "ResourceUnavailable*",
  "ResourceBusy*",
  "ResourceInUse*",
  "FailedOperation.NetworkError",
];

/** Codes whose outcome is unknown: the server failed somewhere while handling the request. */
export const UNKNOWN_OUTCOME_CODES: readonly string[] = ["InternalError*", "InvalidResponse"];

/** Codes never retried, even when a broader pattern would match (PRODUCT.md section 5). */
export const NEVER_CODES: readonly string[] = [
  "InvalidParameter*",
  "MissingParameter",
  "UnknownParameter",
  "AuthFailure.*",
  "UnauthorizedOperation*",
  "ResourceNotFound*",
  "UnsupportedOperation*",
];

/** Whether `code` matches `pattern` (exact, or a prefix when the pattern ends with `*`). */
export function codeMatches(code: string, pattern: string): boolean {
  return pattern.endsWith("*") ? code.startsWith(pattern.slice(0, -1)) : code === pattern;
}

function matchesAny(code: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => codeMatches(code, pattern));
}

/**
 * Classifies a failed call per PRODUCT.md section 5. `extraCodes` (a step's `retry.on`, exact
 * codes or `*` prefixes) are retried too, even if they are on the never-retried list; an extra
 * code whose outcome is unknown stays `unknown-outcome`.
 *
 * @example
 * ```ts
 * classifyError(new TencentApiError({ service: "trocket", action: "CreateTopic",
 *   code: "RequestLimitExceeded", message: "slow down", httpStatus: 200 })); // "retry"
 * ```
 */
export function classifyError(err: unknown, extraCodes: readonly string[] = []): ErrorClass {
  if (err instanceof NetworkError) {
    return err.phase === "before-send" ? "retry" : "unknown-outcome";
  }
  if (!(err instanceof TencentApiError)) return "never";
  const code = err.code;
  if (matchesAny(code, UNKNOWN_OUTCOME_CODES)) return "unknown-outcome";
  if (err.httpStatus >= 500) {
    // 502/503: a gateway refused or could not reach the service; 500/504 and the rest: the
    // service may have applied the request before failing.
    return err.httpStatus === 502 || err.httpStatus === 503 ? "retry" : "unknown-outcome";
  }
  if (matchesAny(code, extraCodes)) return "retry";
  if (matchesAny(code, NEVER_CODES)) return "never";
  if (matchesAny(code, RETRY_CODES)) return "retry";
  return "never";
}
