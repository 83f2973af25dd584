/**
 * TC3-HMAC-SHA256 request signing through WebCrypto (`crypto.subtle`).
 *
 * Signing is a pure function of the request (method, host, path, query, content type, the exact
 * body bytes), the service, the timestamp and the credential: the clock is passed in. The
 * canonical request follows the official SDKs byte for byte: `content-type` and `host` values are
 * signed as sent (the host without its port, like `tencentcloud-sdk-nodejs`), other signed
 * headers (`x-tc-action`…) lower-cased as the API documentation shows. The derived signing key is
 * cached per (secret key, date, service).
 *
 * @example
 * ```ts
 * import { signTc3 } from "./signer.ts";
 * const body = new TextEncoder().encode('{"Limit":10}');
 * const headers = await signTc3({
 *   method: "POST", host: "trocket.tencentcloudapi.com", path: "/",
 *   contentType: "application/json", body, service: "trocket",
 *   action: "DescribeInstanceList", version: "2023-03-08", region: "ap-guangzhou",
 *   timestampS: 1700000000,
 * }, { secretId: "AKIDEXAMPLE", secretKey: "secret" });
 * // headers.Authorization starts with "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/trocket/tc3_request"
 * ```
 *
 * @module
 */

import { hmac, hmacKey, hmacSha256Raw, sha256Hex, toHex } from "../crypto.ts";
import { stripPort } from "./host.ts";

export { stripPort } from "./host.ts";

/** A Tencent Cloud API key pair, with the session token of temporary credentials. */
export interface Credential {
  /** The SecretId, sent in the signature's Credential. */
  secretId: string;
  /** The SecretKey: only used to derive the signing key, never sent. */
  secretKey: string;
  /** Session token of temporary credentials, sent as `X-TC-Token`. */
  token?: string;
}

/** Everything a TC3 signature covers. */
export interface Tc3Request {
  /** HTTP method. */
  method: "POST" | "GET";
  /** `host` or `host:port` as sent in the Host header. */
  host: string;
  /** Request path, `/` for Tencent Cloud API 3.0. */
  path: string;
  /** Query string without `?` (GET), exactly as sent. */
  query?: string;
  /** The Content-Type header exactly as sent, e.g. `application/json`. */
  contentType: string;
  /** The exact bytes that will be sent (empty for GET). */
  body: Uint8Array;
  /** The service of the credential scope, e.g. `trocket`. */
  service: string;
  /** The action name, sent as `X-TC-Action`, e.g. `DescribeTopicList`. */
  action: string;
  /** The API version, sent as `X-TC-Version`, e.g. `2023-03-08`. */
  version: string;
  /** The region, sent as `X-TC-Region` when given. */
  region?: string;
  /** Unix time in seconds, from the caller's clock. */
  timestampS: number;
  /** Response language, sent as `X-TC-Language` when given, e.g. `en-US`. */
  language?: string;
  /** Lower-case header names to sign; default `["content-type", "host"]` (what the SDKs sign). */
  signedHeaders?: string[];
}

/** The algorithm name of signature method v3. */
export const TC3_ALGORITHM = "TC3-HMAC-SHA256";

const KEY_CACHE_LIMIT = 256;

// ---------------------------------------------------------------------------------------------
// Derived signing key cache
// ---------------------------------------------------------------------------------------------

const keyCache = new Map<string, Promise<CryptoKey>>();
const keyStats = { derivations: 0, hits: 0 };

/** Counters of the TC3 signing-key cache: `derivations` (keys derived), `hits`, current `size`. */
export function tc3KeyCacheStats(): { derivations: number; hits: number; size: number } {
  return { ...keyStats, size: keyCache.size };
}

/** Empties the TC3 signing-key cache and resets its counters. */
export function clearTc3KeyCache(): void {
  keyCache.clear();
  keyStats.derivations = 0;
  keyStats.hits = 0;
}

/**
 * The TC3 signing key for (secret key, date, service):
 * HMAC("tc3_request", HMAC(service, HMAC(date, "TC3" + secretKey))), as an HMAC-SHA256 CryptoKey.
 * Cached in a bounded map (least recently used entries leave first).
 */
export function tc3SigningKey(
  secretKey: string,
  date: string,
  service: string,
): Promise<CryptoKey> {
  const cacheKey = `${date}\n${service}\n${secretKey}`;
  const cached = keyCache.get(cacheKey);
  if (cached) {
    keyStats.hits++;
    if (keyCache.size > 1) { // most recently used last (a single entry already is)
      keyCache.delete(cacheKey);
      keyCache.set(cacheKey, cached);
    }
    return cached;
  }
  keyStats.derivations++;
  const derived = deriveSigningKey(secretKey, date, service);
  keyCache.set(cacheKey, derived);
  derived.catch(() => keyCache.delete(cacheKey));
  while (keyCache.size > KEY_CACHE_LIMIT) {
    const oldest = keyCache.keys().next().value;
    if (oldest === undefined) break;
    keyCache.delete(oldest);
  }
  return derived;
}

async function deriveSigningKey(secretKey: string, date: string, service: string) {
  const kDate = await hmacSha256Raw("TC3" + secretKey, date);
  const kService = await hmacSha256Raw(kDate, service);
  const kSigning = await hmacSha256Raw(kService, "tc3_request");
  return hmacKey(kSigning, "SHA-256");
}

// ---------------------------------------------------------------------------------------------
// Canonical request
// ---------------------------------------------------------------------------------------------

const SECONDS_PER_DAY = 86_400;
/** The last day asked for, as [day number, date]: consecutive requests share their date. */
let lastDay: [number, string] = [NaN, ""];

/** The UTC date `YYYY-MM-DD` of a Unix timestamp in seconds (the credential scope date). */
export function tc3Date(timestampS: number): string {
  const day = Math.floor(timestampS / SECONDS_PER_DAY);
  if (day !== lastDay[0]) {
    lastDay = [day, new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10)];
  }
  return lastDay[1];
}

/** The parts of a canonical request, as a verifier reconstructs them from what it received. */
export interface CanonicalParts {
  method: string;
  path: string;
  query: string;
  /** `[lower-case name, value]` of each signed header, sorted by name. */
  headers: Array<[string, string]>;
  payloadHashHex: string;
}

/** Joins the parts into the canonical request string. */
export function joinCanonicalRequest(parts: CanonicalParts): string {
  const canonicalHeaders = parts.headers.map(([name, value]) => `${name}:${value}\n`).join("");
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  return `${parts.method}\n${parts.path}\n${parts.query}\n${canonicalHeaders}\n${signedHeaders}\n${parts.payloadHashHex}`;
}

/** The headers a {@link Tc3Request} sends, besides Authorization. */
function requestHeaders(req: Tc3Request, cred: Credential): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": req.contentType,
    Host: req.host,
    "X-TC-Action": req.action,
    "X-TC-Version": req.version,
    "X-TC-Timestamp": String(req.timestampS),
  };
  if (req.region !== undefined) headers["X-TC-Region"] = req.region;
  if (cred.token !== undefined) headers["X-TC-Token"] = cred.token;
  if (req.language !== undefined) headers["X-TC-Language"] = req.language;
  return headers;
}

/** The canonical value of a signed header: content-type and host as signed by the SDKs. */
function canonicalValue(name: string, value: string): string {
  if (name === "content-type") return value;
  if (name === "host") return stripPort(value);
  return value.trim().toLowerCase();
}

/**
 * The signed headers of a request, sorted by name, with their canonical values.
 *
 * @throws TypeError when `signedHeaders` names a header the request does not send.
 */
function signedHeaderPairs(
  req: Tc3Request,
  sent: Record<string, string>,
): Array<[string, string]> {
  // What the SDKs sign (and every call of tcflow): both headers are always sent.
  if (req.signedHeaders === undefined) {
    return [["content-type", req.contentType], ["host", stripPort(req.host)]];
  }
  const byName = new Map<string, string>();
  for (const name in sent) byName.set(name.toLowerCase(), sent[name]!);
  const names = [...new Set(req.signedHeaders.map((n) => n.toLowerCase()))].sort();
  return names.map((name) => {
    const value = byName.get(name);
    if (value === undefined) {
      throw new TypeError(`cannot sign header "${name}": the request does not send it`);
    }
    return [name, canonicalValue(name, value)];
  });
}

async function canonicalParts(
  req: Tc3Request,
  sent: Record<string, string>,
): Promise<CanonicalParts> {
  // Dispatched first: WebCrypto hashes the body on its own thread while the headers are built.
  const payloadHash = sha256Hex(req.body);
  const headers = signedHeaderPairs(req, sent);
  return {
    method: req.method,
    path: req.path,
    query: req.query ?? "",
    headers,
    payloadHashHex: await payloadHash,
  };
}

/** The TC3 canonical request string of a request (step 1 of signature method v3). */
export async function canonicalRequestTc3(
  req: Tc3Request,
  cred: Credential = { secretId: "", secretKey: "" },
): Promise<string> {
  return joinCanonicalRequest(await canonicalParts(req, requestHeaders(req, cred)));
}

/** Lower-case hex SHA-256 of the canonical request (the HashedCanonicalRequest). */
export async function hashedCanonicalRequestTc3(
  req: Tc3Request,
  cred: Credential = { secretId: "", secretKey: "" },
): Promise<string> {
  return sha256Hex(await canonicalRequestTc3(req, cred));
}

/** The hex signature of a canonical request for a timestamp, service and signing key. */
export async function signatureOf(
  canonicalRequest: string,
  timestampS: number | string,
  date: string,
  service: string,
  key: Promise<CryptoKey>,
): Promise<string> {
  const stringToSign =
    `${TC3_ALGORITHM}\n${timestampS}\n${date}/${service}/tc3_request\n${await sha256Hex(
      canonicalRequest,
    )}`;
  return toHex(await hmac(await key, stringToSign));
}

/**
 * Signs a request with TC3-HMAC-SHA256.
 *
 * @returns every header to send: Authorization, Content-Type, Host, X-TC-Action, X-TC-Version,
 *   X-TC-Timestamp, and X-TC-Region / X-TC-Token / X-TC-Language when given.
 * @throws TypeError when `signedHeaders` names a header the request does not send.
 */
export async function signTc3(req: Tc3Request, cred: Credential): Promise<Record<string, string>> {
  const sent = requestHeaders(req, cred);
  const date = tc3Date(req.timestampS);
  // Looked up (or derived, concurrently with the hashing) before the first await.
  const key = tc3SigningKey(cred.secretKey, date, req.service);
  const parts = await canonicalParts(req, sent);
  const signature = await signatureOf(
    joinCanonicalRequest(parts),
    req.timestampS,
    date,
    req.service,
    key,
  );
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  return {
    Authorization:
      `${TC3_ALGORITHM} Credential=${cred.secretId}/${date}/${req.service}/tc3_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    ...sent,
  };
}
