/**
 * How to talk to Tencent Cloud API 3.0: endpoints `<service>[.<region>].tencentcloudapi.com`
 * (`endpoint.ts`), one TC3-HMAC-SHA256 signed JSON POST per call (`signer.ts`) whose body is
 * serialized once with the `ClientToken` filled in (this is the one place that fills it), and
 * answers read with every integer as `bigint`. The Tencent client sends through it
 * (`client.ts`, over the generic `protocol/client.ts`); the provider object adds the catalog.
 *
 * @module
 */
import { bareTencentService as bare } from "../catalog/clouds.ts";
import { isRecord, parseJson, stringifyJson } from "../json.ts";
import type { CallResult, CloudProtocol } from "../protocol/provider.ts";
import { endpointFor } from "./endpoint.ts";
import { TencentApiError } from "./errors.ts";
import { type Credential, signTc3 } from "./signer.ts";

const CONTENT_TYPE = "application/json; charset=utf-8";
const encoder = new TextEncoder();

/** Options of {@link createTencentProtocol}. */
export interface TencentProtocolOptions {
  /** `<service>.<region>.tencentcloudapi.com` instead of `<service>.tencentcloudapi.com`. */
  regionalEndpoints?: boolean | undefined;
  /** `X-TC-Language`, e.g. `en-US`. */
  language?: string | undefined;
}

/** Tencent Cloud's protocol: endpoint, request building and signing, answer parsing. */
export function createTencentProtocol(
  options: TencentProtocolOptions = {},
): CloudProtocol<Credential> {
  return {
    endpoint: ({ service, region, endpointUrl }) =>
      endpointFor({
        service: bare(service),
        region,
        regional: options.regionalEndpoints ?? false,
        endpointUrl,
      }),
    async buildRequest({ spec, region, params, credential, endpoint, timestampMs, clientToken }) {
      const payload = clientToken !== undefined && params.ClientToken === undefined
        ? { ...params, ClientToken: clientToken }
        : params;
      // Serialized once: these exact bytes are signed and sent.
      const body = encoder.encode(stringifyJson(payload));
      const headers = await signTc3({
        method: "POST",
        host: endpoint.host,
        path: endpoint.url.pathname || "/",
        contentType: CONTENT_TYPE,
        body,
        service: bare(spec.service),
        action: spec.name,
        version: spec.version,
        ...(region !== "" ? { region } : {}),
        timestampS: Math.floor(timestampMs / 1000),
        ...(options.language !== undefined ? { language: options.language } : {}),
      }, credential);
      return new Request(endpoint.url, {
        method: "POST",
        headers,
        body: body as Uint8Array<ArrayBuffer>,
      });
    },
    parseResponse: ({ status, text }, spec) => {
      const result = interpretTencentAnswer(status, text, {
        service: bare(spec.service),
        action: spec.name,
      });
      return result instanceof TencentApiError
        ? { ok: false, error: result }
        : { ok: true, result };
    },
    keyId: (credential) => credential.secretId,
  };
}

/**
 * Turns an HTTP answer into a result or a {@link TencentApiError} (integers read as `bigint`).
 */
export function interpretTencentAnswer(
  status: number,
  text: string,
  site: { service: string; action: string },
): CallResult | TencentApiError {
  let data: unknown;
  try {
    data = parseJson(text, "bigint");
  } catch (error) {
    return new TencentApiError({
      ...site,
      code: status >= 400 ? `HttpStatus.${status}` : "InvalidResponse",
      message: status >= 400
        ? `HTTP ${status} ${text.slice(0, 120).replace(/\s+/g, " ")}`.trim()
        : `the response is not JSON (HTTP ${status})`,
      httpStatus: status,
      cause: error,
    });
  }
  const response = isRecord(data) ? data.Response : undefined;
  if (!isRecord(response)) {
    return new TencentApiError({
      ...site,
      code: status >= 400 ? `HttpStatus.${status}` : "InvalidResponse",
      message: `the answer has no "Response" object (HTTP ${status})`,
      httpStatus: status,
    });
  }
  const { RequestId, Error: apiError, ...rest } = response;
  const requestId = typeof RequestId === "string" ? RequestId : undefined;
  if (isRecord(apiError)) {
    return new TencentApiError({
      ...site,
      code: typeof apiError.Code === "string" ? apiError.Code : "UnknownError",
      message: typeof apiError.Message === "string" ? apiError.Message : "",
      httpStatus: status,
      requestId,
    });
  }
  if (status >= 400) {
    return new TencentApiError({
      ...site,
      code: `HttpStatus.${status}`,
      message: `HTTP ${status}`,
      httpStatus: status,
      requestId,
    });
  }
  return { response: rest, requestId: requestId ?? "", httpStatus: status };
}
