/**
 * Tencent Cloud signature method v1 (HmacSHA1 / HmacSHA256): the signature over
 * `METHOD + host + path + "?" + sorted k=v parameters` (raw values), base64-encoded, sent as the
 * `Signature` parameter of a GET query or an `application/x-www-form-urlencoded` POST body.
 * The seeds' GET examples use it; the emulator verifies it (`lib/emulator/verify_v1.ts`).
 *
 * @example
 * ```ts
 * import { signedV1Url } from "./signer_v1.ts";
 * const url = await signedV1Url({
 *   host: "trocket.tencentcloudapi.com", action: "DescribeInstanceList", version: "2023-03-08",
 *   region: "ap-guangzhou", timestampS: 1700000000, nonce: 11886, algorithm: "HmacSHA256",
 *   params: { Limit: "10" },
 * }, { secretId: "AKIDEXAMPLE", secretKey: "secret" });
 * // https://trocket.tencentcloudapi.com/?Action=DescribeInstanceList&Limit=10&…&Signature=…
 * ```
 *
 * @module
 */

import { hmac, hmacKey, toBase64 } from "../crypto.ts";
import type { Credential } from "./signer.ts";

/** The v1 signature algorithms. */
export type V1Algorithm = "HmacSHA1" | "HmacSHA256";

/** Where a v1 request goes: the signature covers method, host and path. */
export interface V1Target {
  method: "GET" | "POST";
  /** Host as sent (with the port when not the default one). */
  host: string;
  /** Request path, `/` for Tencent Cloud API 3.0. */
  path: string;
}

/** The v1 string to sign: `METHOD + host + path + "?" + k=v&…` sorted by name, raw values, no `Signature`. */
export function v1StringToSign(params: Record<string, string>, target: V1Target): string {
  const query = Object.keys(params)
    .filter((name) => name !== "Signature")
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join("&");
  return `${target.method.toUpperCase()}${target.host}${target.path}?${query}`;
}

/**
 * Computes the v1 `Signature` (base64, not URL-encoded) of the parameters (every one except
 * `Signature`; include `SignatureMethod` when you send it).
 */
export async function signV1(
  params: Record<string, string>,
  opts: V1Target & { secretKey: string; algorithm: V1Algorithm },
): Promise<string> {
  const key = await hmacKey(opts.secretKey, opts.algorithm === "HmacSHA256" ? "SHA-256" : "SHA-1");
  return toBase64(await hmac(key, v1StringToSign(params, opts)));
}

/** A v1 call to sign: the public parameters, the action's own parameters and the clock/nonce. */
export interface V1Call {
  /** Default `GET`. */
  method?: "GET" | "POST";
  host: string;
  /** Default `/`. */
  path?: string;
  action: string;
  version: string;
  region?: string;
  /** Unix seconds, from the caller's clock. */
  timestampS: number;
  /** A random positive integer, from the caller's randomness. */
  nonce: number;
  algorithm: V1Algorithm;
  language?: string;
  /** The action's parameters, flattened (`InstanceIds.0`, `Filters.0.Name`…). */
  params?: Record<string, string>;
}

/** Every parameter of a signed v1 request, `Signature` included (raw, not URL-encoded). */
export async function signV1Params(
  call: V1Call,
  cred: Credential,
): Promise<Record<string, string>> {
  const params: Record<string, string> = {
    ...call.params,
    Action: call.action,
    Version: call.version,
    Timestamp: String(call.timestampS),
    Nonce: String(call.nonce),
    SecretId: cred.secretId,
    SignatureMethod: call.algorithm,
  };
  if (call.region !== undefined) params.Region = call.region;
  if (call.language !== undefined) params.Language = call.language;
  if (cred.token !== undefined) params.Token = cred.token;
  params.Signature = await signV1(params, {
    method: call.method ?? "GET",
    host: call.host,
    path: call.path ?? "/",
    secretKey: cred.secretKey,
    algorithm: call.algorithm,
  });
  return params;
}

/** RFC 3986 percent-encoding (upper-case hex; unreserved `A-Za-z0-9-._~` kept). */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** `k=v&…` with RFC 3986-encoded values: a GET query or a form POST body. */
export function encodeV1Params(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join("&");
}

/** A full signed v1 GET URL, e.g. for `curl`. `protocol` defaults to `https`. */
export async function signedV1Url(
  call: Omit<V1Call, "method">,
  cred: Credential,
  opts: { protocol?: "http" | "https" } = {},
): Promise<string> {
  const params = await signV1Params({ ...call, method: "GET" }, cred);
  return `${opts.protocol ?? "https"}://${call.host}${call.path ?? "/"}?${encodeV1Params(params)}`;
}
