/**
 * The Tencent Cloud API 3.0 client: one signed POST per call. The body is serialized once
 * (integers exact), signed, and those same bytes are sent. Responses are parsed with every
 * integer as `bigint`. Failures are data: {@link TencentApiError} (the API's code, request id,
 * HTTP status) or {@link NetworkError} (with whether the request may have been applied).
 * Retrying is the engine's job; the client only re-signs once after a clock-skew error.
 *
 * It is the generic client of `protocol/client.ts` (send with a timeout, the one clock-skew
 * loop) over Tencent's protocol (`protocol.ts`: endpoint, signing, `ClientToken`, parsing).
 *
 * @module
 */
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import { isRecord } from "../json.ts";
import { createProviderClient } from "../protocol/client.ts";
import type { CallerCallOptions, CallResult, ProviderEndpoint } from "../protocol/provider.ts";
import type { SendOnceFn } from "./http1.ts";
import { createTencentProtocol } from "./protocol.ts";
import type { Credential } from "./signer.ts";

export { interpretTencentAnswer } from "./protocol.ts";

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
  const protocol = createTencentProtocol({
    regionalEndpoints: options.regionalEndpoints ?? false,
    language: options.language,
  });
  // One endpoint per (service, region): a URL is parsed once, not on every call.
  const endpoints = new Map<string, ProviderEndpoint>();
  const inner = createProviderClient({
    provider: {
      ...protocol,
      endpoint(target) {
        const key = `${target.service}\n${target.region}\n${target.endpointUrl ?? ""}`;
        let endpoint = endpoints.get(key);
        if (endpoint === undefined) {
          endpoint = protocol.endpoint(target);
          endpoints.set(key, endpoint);
        }
        return endpoint;
      },
    },
    deps: options.deps,
    credential: options.credential,
    endpointUrl: options.endpointUrl,
    timeoutMs: options.timeoutMs,
    sendOnce: options.sendOnce,
  });
  return {
    secretId: options.credential.secretId,
    clockOffsetMs: () => inner.clockOffsetMs(),
    call(service, action, version, region, params, opts = {}) {
      const payload = (isRecord(params) ? params : params ?? {}) as Record<string, unknown>;
      return inner.call(siteSpec(service, action, version), region, payload, opts);
    },
  };
}

/** What the protocol reads of an action: its service, name and version (any action, typed or not). */
function siteSpec(service: string, action: string, version: string): ActionSpec {
  return {
    service,
    name: action,
    version,
    rateLimitPerS: 20,
    mutating: true,
    clientToken: false,
    inputs: [],
    outputs: [],
    source: "sdk",
  };
}
