/**
 * Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`) through WebCrypto, as the official
 * `@huaweicloud/huaweicloud-sdk-core` `AKSKSigner` computes it, and its verifier (for the emulator).
 *
 * Canonical request: `METHOD\nURI/\nquery\nheaders\nsigned-headers\npayload-hash`, where every
 * path segment and query name/value is RFC 3986-encoded, query names are sorted (repeated values
 * sorted too), every given header is signed (plus `host` and `x-sdk-date`) with lower-case names,
 * and the payload hash is the SHA-256 of the body unless `X-Sdk-Content-Sha256` says otherwise
 * (`UNSIGNED-PAYLOAD`). String to sign: `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hash of canonical>`.
 *
 * @example
 * ```ts
 * import { signHuawei } from "./signer.ts";
 * const headers = await signHuawei({
 *   method: "GET", host: "cph.cn-north-4.myhuaweicloud.com",
 *   path: "/v1/0123456789abcdef/cloud-phone/encode-servers",
 *   query: { limit: "10" }, headers: { "Content-Type": "application/json" }, body: new Uint8Array(),
 * }, { ak: "AK", sk: "SK" }, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
 * // { "X-Sdk-Date": "20240102T030405Z", host: "cph.cn-north-4.myhuaweicloud.com", Authorization: "SDK-HMAC-SHA256 Access=AK, …" }
 * ```
 *
 * @module
 */

import { hmac, hmacKey, sha256Hex, toHex } from "../crypto.ts";
import { encodeRfc3986 } from "../tencent/signer_v1.ts";

/** The signing algorithm name. */
export const HUAWEI_ALGORITHM = "SDK-HMAC-SHA256";

/** A Huawei Cloud REST request as it will be sent. */
export interface HuaweiRequest {
  /** HTTP method, e.g. `GET`. */
  method: string;
  /** `host` or `host:port`, as sent in the Host header. */
  host: string;
  /** The path as sent (percent-encoded where needed), e.g. `/v1/{project_id}/cloud-phone/encode-servers` filled in. */
  path: string;
  /** Query parameters, decoded; a list for a repeated name. */
  query: Record<string, string | string[]>;
  /** Headers to send and sign (Content-Type, X-Project-Id, X-Security-Token…). */
  headers: Record<string, string>;
  /** The exact body bytes (empty for GET). */
  body: Uint8Array;
}

/** An access key pair. */
export interface HuaweiCredential {
  /** The access key id (AK), sent in the Authorization header. */
  ak: string;
  /** The secret access key (SK): only used to sign, never sent. */
  sk: string;
}

/** `YYYYMMDDTHHMMSSZ` (UTC), the X-Sdk-Date format. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Parses an X-Sdk-Date value; `undefined` when malformed. */
export function parseSdkDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The canonical URI: each segment decoded then RFC 3986-encoded, with a trailing `/`. */
export function canonicalUri(path: string): string {
  const uri = path.split("/").map((segment) => encodeRfc3986(safeDecode(segment))).join("/");
  return uri.endsWith("/") ? uri : uri + "/";
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The canonical query: names sorted, repeated values sorted, `name=value` RFC 3986-encoded. */
export function canonicalQuery(query: Record<string, string | string[]>): string {
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name]!;
    const values = Array.isArray(value) ? [...value].sort() : [value];
    for (const v of values) pairs.push(`${encodeRfc3986(name)}=${encodeRfc3986(v)}`);
  }
  return pairs.join("&");
}

/** The query string to send for a query record (same encoding as the canonical form). */
export function encodeHuaweiQuery(query: Record<string, string | string[]>): string {
  return canonicalQuery(query);
}

export interface Parts {
  method: string;
  uri: string;
  query: string;
  headers: Array<[string, string]>;
  payloadHash: string;
}

export function joinParts(p: Parts): string {
  const canonicalHeaders = p.headers.map(([n, v]) => `${n}:${v}\n`).join("");
  const signed = p.headers.map(([n]) => n).join(";");
  return [p.method, p.uri, p.query, canonicalHeaders, signed, p.payloadHash].join("\n");
}

export function sortedHeaders(headers: Map<string, string>): Array<[string, string]> {
  return [...headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The headers the signer covers: the request's (minus a multipart Content-Type), host and X-Sdk-Date. */
function signedHeaderMap(req: HuaweiRequest, sdkDate: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (lower === "authorization") continue;
    if (lower === "content-type" && value.includes("multipart/form-data")) continue;
    map.set(lower, value);
  }
  map.set("x-sdk-date", sdkDate);
  if (!map.has("host")) map.set("host", req.host);
  return map;
}

async function payloadHash(body: Uint8Array, declared: string | undefined): Promise<string> {
  return declared ?? await sha256Hex(body);
}

function partsOf(req: HuaweiRequest, sdkDate: string): Promise<Parts> {
  const headers = signedHeaderMap(req, sdkDate);
  return payloadHash(req.body, headers.get("x-sdk-content-sha256")).then((hash) => ({
    method: req.method.toUpperCase(),
    uri: canonicalUri(req.path),
    query: canonicalQuery(req.query),
    headers: sortedHeaders(headers),
    payloadHash: hash,
  }));
}

/** The canonical request of a Huawei request signed at `sdkDate` (X-Sdk-Date format). */
export async function huaweiCanonicalRequest(req: HuaweiRequest, sdkDate: string): Promise<string> {
  return joinParts(await partsOf(req, sdkDate));
}

export async function signatureOf(canonical: string, sdkDate: string, sk: string): Promise<string> {
  const stringToSign = `${HUAWEI_ALGORITHM}\n${sdkDate}\n${await sha256Hex(canonical)}`;
  return toHex(await hmac(await hmacKey(sk, "SHA-256"), stringToSign));
}

/**
 * Signs a Huawei Cloud request with AK/SK `SDK-HMAC-SHA256`.
 *
 * @param timestamp the signing time (from the caller's clock).
 * @returns the headers to add: `X-Sdk-Date`, `host`, `Authorization`.
 */
export async function signHuawei(
  req: HuaweiRequest,
  cred: HuaweiCredential,
  timestamp: Date,
): Promise<Record<string, string>> {
  const sdkDate = formatSdkDate(timestamp);
  const parts = await partsOf(req, sdkDate);
  const signature = await signatureOf(joinParts(parts), sdkDate, cred.sk);
  const signedHeaders = parts.headers.map(([n]) => n).join(";");
  return {
    "X-Sdk-Date": sdkDate,
    host: parts.headers.find(([n]) => n === "host")![1],
    Authorization:
      `${HUAWEI_ALGORITHM} Access=${cred.ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
