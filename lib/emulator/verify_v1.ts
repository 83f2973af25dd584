/**
 * The emulator's check of Tencent Cloud signature method v1 (HmacSHA1 / HmacSHA256) requests,
 * signed as `lib/tencent/signer_v1.ts` signs them.
 *
 * @module
 */

import { asBytes, timingSafeEqual } from "../crypto.ts";
import { signV1, type V1Algorithm } from "../tencent/signer_v1.ts";
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

/**
 * The v1 parameters of a request, when it can carry them: the query of a GET, the body of an
 * `application/x-www-form-urlencoded` POST. `undefined` otherwise.
 */
export function readV1Params(input: IncomingRequest): Record<string, string> | undefined {
  const method = input.method.toUpperCase();
  let search: URLSearchParams;
  if (method === "GET") {
    search = input.url.searchParams;
  } else if (
    method === "POST" &&
    (input.headers.get("content-type") ?? "").toLowerCase().startsWith(
      "application/x-www-form-urlencoded",
    )
  ) {
    search = new URLSearchParams(new TextDecoder().decode(asBytes(input.body)));
  } else {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const [name, value] of search) params[name] = value;
  return params;
}

const REQUIRED_V1 = ["Action", "Version", "Timestamp", "Nonce", "SecretId", "Signature"] as const;

/** The service named by a `<svc>.tencentcloudapi.com` / `<svc>.<region>.tencentcloudapi.com` host. */
function serviceOfHost(host: string): string | undefined {
  return /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)?tencentcloudapi\.com$/i.exec(stripPort(host))?.[1];
}

/**
 * Verifies a v1-signed request whose parameters were read with {@link readV1Params}.
 * Same codes as `verifyTencentRequest`.
 */
export async function verifyV1(
  input: IncomingRequest,
  params: Record<string, string>,
  opts: VerifyOptions,
): Promise<VerifyResult & VerifyInfo> {
  const algorithm: V1Algorithm = params.SignatureMethod === "HmacSHA256"
    ? "HmacSHA256"
    : "HmacSHA1";
  const host = input.headers.get("host") ?? input.url.host;
  const unsigned: Record<string, string> = { ...params };
  delete unsigned.Signature;
  const info: VerifyInfo = { scheme: algorithm, params: unsigned };
  const service = serviceOfHost(host);
  if (service !== undefined) info.service = service;
  if (params.Action !== undefined) info.action = params.Action;
  if (params.Version !== undefined) info.version = params.Version;
  if (params.Region !== undefined) info.region = params.Region;
  if (params.Token !== undefined) info.token = params.Token;
  for (const name of REQUIRED_V1) {
    if (params[name] === undefined || params[name] === "") {
      return {
        ...info,
        ...fail("MissingParameter", `The request is missing a required parameter \`${name}\`.`),
      };
    }
  }
  const timestampText = params.Timestamp!;
  if (!/^\d{1,12}$/.test(timestampText)) {
    return {
      ...info,
      ...fail("InvalidParameterValue", `Timestamp must be Unix seconds: got \`${timestampText}\`.`),
    };
  }
  const expired = checkTimestamp(Number(timestampText), opts);
  if (expired) return { ...info, ...expired };
  const secretId = params.SecretId!;
  const secretKey = opts.lookupSecret(secretId);
  if (secretKey === undefined) return { ...info, ...secretIdNotFound(secretId) };
  // A `+` of base64 sent unencoded arrives as a space.
  const received = params.Signature!.replaceAll(" ", "+");
  const method = input.method.toUpperCase() === "POST" ? "POST" : "GET";
  const hosts = stripPort(host) === host ? [host] : [host, stripPort(host)];
  for (const candidate of hosts) {
    const expected = await signV1(unsigned, {
      method,
      host: candidate,
      path: input.url.pathname,
      secretKey,
      algorithm,
    });
    if (timingSafeEqual(expected, received)) return { ...info, ok: true, secretId };
  }
  return { ...info, ...fail("AuthFailure.SignatureFailure", SIGNATURE_FAILURE_MESSAGE) };
}
