/**
 * The Tencent Cloud API 3.0 client: one signed POST per call. The body is serialized once
 * (integers exact), signed, and those same bytes are sent. Responses are parsed with every
 * integer as `bigint`. Failures are data: {@link TencentApiError} (the API's code, request id,
 * HTTP status) or {@link NetworkError} (with whether the request may have been applied).
 * Retrying is the engine's job; the client only re-signs once after a clock-skew error.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import { isRecord, parseJson, stringifyJson } from "../json.ts";
import { clockOffsetFromDate, isSignatureExpired } from "../protocol/clock_skew.ts";
import { sendAttempt } from "../protocol/transport.ts";
import { DEFAULT_TIMEOUT_MS } from "../workflow/defaults.ts";
import type { CallerCallOptions, CallResult } from "../protocol/provider.ts";
import { type Endpoint, endpointFor } from "./endpoint.ts";
import { TencentApiError } from "./errors.ts";
import type { SendOnceFn } from "./http1.ts";
import { type Credential, signTc3 } from "./signer.ts";

/** Options of {@link createTencentClient}. */
export interface TencentClientOptions {
  /** Clock, sleep (for timeouts) and `fetch` (see {@link Deps}). */
  deps: Pick<Deps, "now" | "sleep" | "fetch">;
  /** The key pair that signs every request. */
  credential: Credential;
  /** `--regional-endpoints`. */
  regionalEndpoints?: boolean;
  /** `--endpoint-url` / `TCFLOW_ENDPOINT_URL`: every request goes to this URL. */
  endpointUrl?: string | undefined;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** `X-TC-Language`, e.g. `en-US`. */
  language?: string;
  /**
   * The transport of calls that are not idempotent: sends a request exactly once (give
   * `http1Fetch` of `./http1.ts` for real networks; the CLI does). Deno's `fetch` re-sends a
   * request by itself when the connection closes before the answer, even a POST that the
   * server has applied. Without it every call goes through `deps.fetch` (in-process emulators).
   */
  sendOnce?: SendOnceFn | undefined;
}

/** Options of one call: cancellation, `ClientToken`, timeout, whether it may be sent twice. */
export type CallOptions = CallerCallOptions;

/** A successful call (the shape every provider's client returns). */
export type { CallResult };

/** A Tencent Cloud API client. */
export interface TencentClient {
  /**
   * Calls `service.action` of API `version` in `region` (empty for region-less services).
   *
   * @throws {TencentApiError} the API answered an error (or an HTTP error status)
   * @throws {NetworkError} no answer: connection failure or timeout
   */
  call(
    service: string,
    action: string,
    version: string,
    region: string,
    params: unknown,
    opts?: CallOptions,
  ): Promise<CallResult>;
  /** The SecretId calls are signed with (for rate-limit keys; never the key). */
  readonly secretId: string;
  /** The clock correction learnt from `AuthFailure.SignatureExpire`, in ms (0 until then). */
  clockOffsetMs(): number;
}

const CONTENT_TYPE = "application/json; charset=utf-8";
const encoder = new TextEncoder();

/**
 * Creates a client.
 *
 * @example
 * ```ts
 * import { systemDeps } from "../deps.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 *
 * const emulator = createEmulator(); // in-process; real networks use systemDeps().fetch
 * const client = createTencentClient({
 *   deps: { ...systemDeps(), fetch: (request) => emulator.handle(request) },
 *   credential: { ...DEMO_CREDENTIAL },
 * });
 * const { response, requestId } = await client.call(
 *   "trocket", "DescribeInstanceList", "2023-03-08", "ap-guangzhou", { Offset: 0, Limit: 10 },
 * );
 * console.log(requestId, response.TotalCount); // "…" 2n
 * ```
 */
export function createTencentClient(options: TencentClientOptions): TencentClient {
  const { deps, credential } = options;
  let offsetMs = 0;
  // One endpoint per (service, region): a URL is parsed once, not on every call.
  const endpoints = new Map<string, Endpoint>();
  const endpointOf = (service: string, region: string): Endpoint => {
    const key = `${service}\n${region}`;
    let endpoint = endpoints.get(key);
    if (endpoint === undefined) {
      endpoint = endpointFor({
        service,
        region,
        regional: options.regionalEndpoints ?? false,
        endpointUrl: options.endpointUrl,
      });
      endpoints.set(key, endpoint);
    }
    return endpoint;
  };

  async function send(
    site: { service: string; action: string; version: string; region: string },
    body: Uint8Array,
    opts: CallOptions,
  ): Promise<{ response: Response; text: string }> {
    const endpoint = endpointOf(site.service, site.region);
    const timestampS = Math.floor((deps.now() + offsetMs) / 1000);
    const headers = await signTc3({
      method: "POST",
      host: endpoint.host,
      path: endpoint.url.pathname || "/",
      contentType: CONTENT_TYPE,
      body,
      service: site.service,
      action: site.action,
      version: site.version,
      ...(site.region !== "" ? { region: site.region } : {}),
      timestampS,
      ...(options.language !== undefined ? { language: options.language } : {}),
    }, credential);

    opts.signal?.throwIfAborted();
    return await sendAttempt({
      deps,
      timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      caller: opts.signal,
      site,
      url: endpoint.url,
    }, (signal) => {
      const request = new Request(endpoint.url, {
        method: "POST",
        headers,
        body: body as Uint8Array<ArrayBuffer>,
        signal,
      });
      const sendOnce = opts.idempotent === true ? undefined : options.sendOnce;
      return sendOnce !== undefined
        ? sendOnce(request, { signal, site: { service: site.service, action: site.action } })
        : deps.fetch(request);
    });
  }

  return {
    secretId: credential.secretId,
    clockOffsetMs: () => offsetMs,
    async call(service, action, version, region, params, opts = {}) {
      const site = { service, action, version, region };
      let payload = params ?? {};
      if (
        opts.clientToken !== undefined && isRecord(payload) && payload.ClientToken === undefined
      ) {
        payload = { ...payload, ClientToken: opts.clientToken };
      }
      // Serialized once: these exact bytes are signed and sent (and re-sent after a skew fix).
      const body = encoder.encode(stringifyJson(payload));
      let resigned = false;
      for (;;) {
        const answer = await send(site, body, opts);
        const result = interpretTencentAnswer(answer.response.status, answer.text, site);
        if (result instanceof TencentApiError) {
          if (isSignatureExpired(result) && !resigned) {
            const correctionMs = clockOffsetFromDate(
              answer.response.headers.get("date"),
              deps.now(),
            );
            if (correctionMs !== undefined) {
              offsetMs = correctionMs;
              resigned = true;
              continue;
            }
          }
          throw result;
        }
        return result;
      }
    },
  };
}

/**
 * Turns an HTTP answer into a result or a {@link TencentApiError} (integers read as `bigint`).
 * Shared with the Tencent provider (`lib/provider/tencent.ts`).
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
