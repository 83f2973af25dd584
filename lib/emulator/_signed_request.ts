/**
 * Private: builds TC3-signed requests for the emulator's tests and benchmark.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { type Credential, signTc3 } from "../tencent/signer.ts";
import { DEMO_CREDENTIAL } from "./emulator.ts";

/** What to send. */
export interface SignedCall {
  service: string;
  action: string;
  params: unknown;
  /** Default: the trocket/apigateway/ssl/yunjing version of the emulator. */
  version?: string;
  region?: string;
  /** Base URL, default `http://127.0.0.1:4566`. */
  url?: string;
  /** Host to sign and send; default the host of `url`, else `<service>.tencentcloudapi.com`. */
  host?: string;
  credential?: Credential;
  timestampS: number;
  /** Replace the body after signing (to test tampering). */
  tamper?: (body: Uint8Array) => Uint8Array;
}

const VERSIONS: Record<string, string> = {
  trocket: "2023-03-08",
  apigateway: "2018-08-08",
  ssl: "2019-12-05",
  yunjing: "2018-02-28",
};

/** A signed POST request with a JSON body, as the official SDKs send it. */
export async function signedRequest(call: SignedCall): Promise<Request> {
  // fetch() sends the URL's host (it drops a Host header), so that is what gets signed.
  const host = call.host ??
    (call.url === undefined ? `${call.service}.tencentcloudapi.com` : new URL(call.url).host);
  const body = new TextEncoder().encode(stringifyJson(call.params));
  const headers = await signTc3({
    method: "POST",
    host,
    path: "/",
    contentType: "application/json; charset=utf-8",
    body,
    service: call.service,
    action: call.action,
    version: call.version ?? VERSIONS[call.service] ?? "",
    timestampS: call.timestampS,
    ...(call.region === undefined ? {} : { region: call.region }),
  }, call.credential ?? DEMO_CREDENTIAL);
  const sent = call.tamper ? call.tamper(body) : body;
  return new Request(`${call.url ?? "http://127.0.0.1:4566"}/`, {
    method: "POST",
    headers,
    body: sent as BodyInit,
  });
}
