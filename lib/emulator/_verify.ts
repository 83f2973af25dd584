/**
 * Private: the result types and shared checks of the emulator's Tencent signature verifiers
 * (TC3 in `verify.ts`, v1 in `verify_v1.ts`).
 *
 * @module
 */

/** The outcome of a signature check. */
export type VerifyResult =
  | { ok: true; secretId: string }
  | { ok: false; code: string; message: string };

/** What the verifier learnt about the request (set as far as it could be read). */
export interface VerifyInfo {
  /** From the TC3 credential scope, or a `<svc>.tencentcloudapi.com` Host for v1. */
  service?: string;
  /** `TC3-HMAC-SHA256`, `HmacSHA1` or `HmacSHA256`. */
  scheme?: string;
  /** The action name (`X-TC-Action`, or the v1 `Action` parameter). */
  action?: string;
  /** The API version (`X-TC-Version`, or the v1 `Version` parameter). */
  version?: string;
  /** The region (`X-TC-Region`, or the v1 `Region` parameter). */
  region?: string;
  /** Session token (X-TC-Token, or the v1 Token parameter). */
  token?: string;
  /** v1 only: every request parameter except `Signature` (GET query or form body). */
  params?: Record<string, string>;
}

/** An incoming request, as a server sees it. */
export interface IncomingRequest {
  /** HTTP method. */
  method: string;
  /** The full request URL, with the query. */
  url: URL;
  /** The request headers. */
  headers: Headers;
  /** The body bytes exactly as received. */
  body: Uint8Array;
}

/** How to verify: the secret of a SecretId, the server clock and the allowed skew. */
export interface VerifyOptions {
  /** The SecretKey of a SecretId, or `undefined` when the SecretId is unknown. */
  lookupSecret(secretId: string): string | undefined;
  /** Server time, Unix seconds. */
  nowS: number;
  /** Allowed |timestamp - now|, default 300 s. */
  windowS?: number;
}

/** A failed verification. */
export function fail(code: string, message: string): { ok: false; code: string; message: string } {
  return { ok: false, code, message };
}

/** Shared timestamp window check (TC3 and v1). */
export function checkTimestamp(
  timestampS: number,
  opts: VerifyOptions,
): { ok: false; code: string; message: string } | undefined {
  const windowS = opts.windowS ?? 300;
  if (Math.abs(opts.nowS - timestampS) > windowS) {
    return fail(
      "AuthFailure.SignatureExpire",
      `Signature expired. Timestamp:${timestampS}, server time:${opts.nowS}; they may differ by at most ${windowS} seconds.`,
    );
  }
  return undefined;
}

/** The message of `AuthFailure.SignatureFailure`, as Tencent Cloud words it. */
export const SIGNATURE_FAILURE_MESSAGE =
  "The provided credentials could not be validated. Please check your signature is correct.";

/** The message of `AuthFailure.SecretIdNotFound`. */
export function secretIdNotFound(secretId: string) {
  return fail(
    "AuthFailure.SecretIdNotFound",
    `The SecretId is not found, please ensure that your SecretId is correct. SecretId: ${secretId}`,
  );
}
