/**
 * The emulator's check of incoming Tencent Cloud requests: TC3-HMAC-SHA256 (signed as
 * `lib/tencent/signer.ts` signs them) or v1 (`verify_v1.ts`). Only the emulator needs it.
 *
 * @module
 */

import { sha256Hex, timingSafeEqual } from "../crypto.ts";
import {
  joinCanonicalRequest,
  signatureOf,
  TC3_ALGORITHM,
  tc3Date,
  tc3SigningKey,
} from "../tencent/signer.ts";
import { stripPort } from "../tencent/host.ts";
import {
  checkTimestamp,
  fail,
  type IncomingRequest,
  secretIdNotFound,
  SIGNATURE_FAILURE_MESSAGE,
  type VerifyInfo,
  type VerifyOptions,
  type VerifyResult,
} from "./_verify.ts";
import { readV1Params, verifyV1 } from "./verify_v1.ts";

export type { IncomingRequest, VerifyInfo, VerifyOptions, VerifyResult } from "./_verify.ts";

const AUTHORIZATION_RE =
  /^TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/**
 * Verifies an incoming TC3-HMAC-SHA256 or v1 (HmacSHA1/HmacSHA256, GET query or form POST) request.
 *
 * Codes: `AuthFailure.SignatureFailure`, `AuthFailure.SignatureExpire` (timestamp outside ±windowS
 * of nowS), `AuthFailure.SecretIdNotFound`, `AuthFailure.InvalidAuthorization` (no or malformed
 * Authorization), `MissingParameter` (missing X-TC-Action/Version/Timestamp or v1 parameters),
 * `InvalidParameterValue` (a timestamp that is not an integer).
 */
export function verifyTencentRequest(
  input: IncomingRequest,
  opts: VerifyOptions,
): Promise<VerifyResult & VerifyInfo> {
  const authorization = input.headers.get("authorization");
  if (authorization === null) {
    const params = readV1Params(input);
    if (params?.Signature !== undefined) return verifyV1(input, params, opts);
    return Promise.resolve(fail(
      "AuthFailure.InvalidAuthorization",
      "The request has no Authorization header (TC3-HMAC-SHA256) and no Signature parameter (v1).",
    ));
  }
  return verifyTc3(input, authorization, opts);
}

/** The X-TC-* headers a TC3 request must carry, with the parameter each one is. */
const REQUIRED_TC3_HEADERS = [
  ["X-TC-Action", "Action"],
  ["X-TC-Version", "Version"],
  ["X-TC-Timestamp", "Timestamp"],
] as const;

/** What the X-TC-* headers say, whatever the verdict. */
function tc3Info(h: Headers): VerifyInfo {
  const info: VerifyInfo = { scheme: TC3_ALGORITHM };
  const action = h.get("x-tc-action");
  const version = h.get("x-tc-version");
  const region = h.get("x-tc-region");
  const token = h.get("x-tc-token");
  if (action !== null) info.action = action;
  if (version !== null) info.version = version;
  if (region !== null) info.region = region;
  if (token !== null) info.token = token;
  return info;
}

async function verifyTc3(
  input: IncomingRequest,
  authorization: string,
  opts: VerifyOptions,
): Promise<VerifyResult & VerifyInfo> {
  const h = input.headers;
  const info = tc3Info(h);
  const match = AUTHORIZATION_RE.exec(authorization);
  if (!match) {
    return {
      ...info,
      ...fail(
        "AuthFailure.InvalidAuthorization",
        "Authorization header format is invalid: expected `TC3-HMAC-SHA256 Credential=<SecretId>/<YYYY-MM-DD>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<hex>`.",
      ),
    };
  }
  const [, secretId = "", date = "", service = "", signedHeaderList = "", signature = ""] = match;
  info.service = service;
  for (const [header, param] of REQUIRED_TC3_HEADERS) {
    if (h.get(header) === null) {
      return {
        ...info,
        ...fail(
          "MissingParameter",
          `The request is missing a required parameter \`${param}\` (header ${header}).`,
        ),
      };
    }
  }
  const timestampText = h.get("x-tc-timestamp")!;
  if (!/^\d{1,12}$/.test(timestampText)) {
    return {
      ...info,
      ...fail(
        "InvalidParameterValue",
        `X-TC-Timestamp must be Unix seconds: got \`${timestampText}\`.`,
      ),
    };
  }
  const timestampS = Number(timestampText);
  const expired = checkTimestamp(timestampS, opts);
  if (expired) return { ...info, ...expired };
  const secretKey = opts.lookupSecret(secretId);
  if (secretKey === undefined) return { ...info, ...secretIdNotFound(secretId) };
  const names = signedHeaderList.split(";");
  if (!names.includes("content-type") || !names.includes("host")) {
    return {
      ...info,
      ...fail(
        "AuthFailure.SignatureFailure",
        "SignedHeaders must include content-type and host.",
      ),
    };
  }
  if (date !== tc3Date(timestampS)) {
    return {
      ...info,
      ...fail(
        "AuthFailure.SignatureFailure",
        `The date ${date} of the credential scope is not the UTC date of X-TC-Timestamp ${timestampS}.`,
      ),
    };
  }
  const key = tc3SigningKey(secretKey, date, service);
  const payloadHashHex = await sha256Hex(input.body);
  const expectedSignature = signature.toLowerCase();
  for (const headers of headerVariants(input, names)) {
    const canonical = joinCanonicalRequest({
      method: input.method.toUpperCase(),
      path: input.url.pathname,
      query: input.url.search.slice(1),
      headers,
      payloadHashHex,
    });
    const actual = await signatureOf(canonical, timestampText, date, service, key);
    if (timingSafeEqual(actual, expectedSignature)) return { ...info, ok: true, secretId };
  }
  return { ...info, ...fail("AuthFailure.SignatureFailure", SIGNATURE_FAILURE_MESSAGE) };
}

/**
 * The canonical header lists a legitimate client may have signed: the SDK form (content-type as
 * sent, host without port, other values lower-cased), then the host with its port (clients that
 * sign the Host header as sent), then every value lower-cased (the documentation's rule).
 */
function headerVariants(input: IncomingRequest, names: string[]): Array<Array<[string, string]>> {
  const sorted = [...names].sort();
  const hostHeader = input.headers.get("host") ?? input.url.host;
  const value = (name: string) => (input.headers.get(name) ?? "").trim();
  const build = (host: string, lowerAll: boolean): Array<[string, string]> =>
    sorted.map((name) => {
      if (name === "host") return [name, lowerAll ? host.toLowerCase() : host];
      if (name === "content-type") {
        return [name, lowerAll ? value(name).toLowerCase() : value(name)];
      }
      return [name, value(name).toLowerCase()];
    });
  const variants = [build(stripPort(hostHeader), false)];
  if (stripPort(hostHeader) !== hostHeader) variants.push(build(hostHeader, false));
  const lowered = build(stripPort(hostHeader), true);
  if (JSON.stringify(lowered) !== JSON.stringify(variants[0])) variants.push(lowered);
  return variants;
}
