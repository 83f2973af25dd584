/**
 * The emulator's check of incoming Huawei Cloud `SDK-HMAC-SHA256` requests, signed as
 * `lib/huawei/signer.ts` signs them. Only the emulator needs it.
 *
 * @module
 */
import { sha256Hex, timingSafeEqual } from "../crypto.ts";
import {
  canonicalQuery,
  canonicalUri,
  joinParts,
  parseSdkDate,
  signatureOf,
  sortedHeaders,
} from "../huawei/signer.ts";

/** The outcome of a Huawei signature check; failures carry APIG's code and HTTP status. */
export type HuaweiVerifyResult =
  | { ok: true; ak: string }
  | {
    ok: false;
    /** `APIGW.0301` (authentication failed) or `APIGW.0101`-style request errors. */
    code: string;
    /** Which check failed. */
    reason:
      | "missing-authorization"
      | "invalid-authorization"
      | "missing-date"
      | "expired"
      | "unknown-ak"
      | "signature";
    message: string;
    httpStatus: number;
  };

const AUTH_RE =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/**
 * Verifies an incoming `SDK-HMAC-SHA256` request (the emulator's side).
 * `windowS` (default 900, APIG's 15 minutes) bounds |X-Sdk-Date - now|.
 */
export async function verifyHuaweiRequest(
  input: { method: string; url: URL; headers: Headers; body: Uint8Array },
  opts: { lookupSecret(ak: string): string | undefined; nowS: number; windowS?: number },
): Promise<HuaweiVerifyResult> {
  const failure = (
    reason: Extract<HuaweiVerifyResult, { ok: false }>["reason"],
    detail: string,
  ): HuaweiVerifyResult => ({
    ok: false,
    code: "APIGW.0301",
    reason,
    message: `Incorrect IAM authentication information: ${detail}`,
    httpStatus: 401,
  });
  const authorization = input.headers.get("authorization");
  if (authorization === null) {
    return failure("missing-authorization", "Authorization header is missing");
  }
  const match = AUTH_RE.exec(authorization);
  if (!match) {
    return failure("invalid-authorization", "Authorization header is not SDK-HMAC-SHA256");
  }
  const [, ak = "", signedList = "", signature = ""] = match;
  const sdkDate = input.headers.get("x-sdk-date");
  const date = sdkDate === null ? undefined : parseSdkDate(sdkDate);
  if (sdkDate === null || date === undefined) {
    return failure("missing-date", "X-Sdk-Date header is missing or not YYYYMMDDTHHMMSSZ");
  }
  const windowS = opts.windowS ?? 900;
  if (Math.abs(date.getTime() / 1000 - opts.nowS) > windowS) {
    return failure(
      "expired",
      `X-Sdk-Date ${sdkDate} is more than ${windowS} s from the server time`,
    );
  }
  const sk = opts.lookupSecret(ak);
  if (sk === undefined) return failure("unknown-ak", `the access key ${ak} does not exist`);
  const names = signedList.split(";");
  if (!names.includes("host") || !names.includes("x-sdk-date")) {
    return failure("signature", "SignedHeaders must include host and x-sdk-date");
  }
  const headers: Array<[string, string]> = names.map((name) => [
    name,
    name === "host" ? input.headers.get("host") ?? input.url.host : input.headers.get(name) ?? "",
  ]);
  const declared = input.headers.get("x-sdk-content-sha256") ?? undefined;
  const actualHash = await sha256Hex(input.body);
  if (declared !== undefined && declared !== "UNSIGNED-PAYLOAD" && declared !== actualHash) {
    return failure("signature", "X-Sdk-Content-Sha256 does not match the body");
  }
  const query: Record<string, string[]> = {};
  for (const [name, value] of input.url.searchParams) (query[name] ??= []).push(value);
  const canonical = joinParts({
    method: input.method.toUpperCase(),
    uri: canonicalUri(input.url.pathname),
    query: canonicalQuery(query),
    headers: sortedHeaders(new Map(headers)),
    payloadHash: declared ?? actualHash,
  });
  const expected = await signatureOf(canonical, sdkDate, sk);
  if (!timingSafeEqual(expected, signature.toLowerCase())) {
    return failure("signature", "verify aksk signature fail");
  }
  return { ok: true, ak };
}
