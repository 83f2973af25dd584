/**
 * Errors of Tencent Cloud API calls, as data: the API's own error (`code`, `requestId`, HTTP
 * status), network failures (with whether the request may have been applied), and the retry
 * classification of PRODUCT.md section 5.
 *
 * @module
 */
import { type ErrorClass, NetworkError, TencentApiError } from "../errors.ts";

export {
  type CallSite,
  type ErrorClass,
  NetworkError,
  type NetworkPhase,
  TencentApiError,
} from "../errors.ts";

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
