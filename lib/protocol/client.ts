/**
 * The provider-independent client: sends the request a {@link CloudProtocol} builds, with a
 * per-request timeout and cancellation, and turns the outcome into a result, the provider's API
 * error, or a {@link NetworkError} that says whether the request may have been applied.
 * Retrying is the engine's job (guided by `provider.classifyError`).
 *
 * @module
 */
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import { clockOffsetFromDate, isSignatureExpired } from "./clock_skew.ts";
import { sendAttempt } from "./transport.ts";
import { DEFAULT_TIMEOUT_MS } from "../workflow/defaults.ts";
import type {
  CallerCallOptions,
  CallResult,
  CloudProtocol,
  ProviderAnswer,
  SendOnceFn,
} from "./provider.ts";

/**
 * A request signed before its `beforeSend` wait is signed again when the wait took longer than
 * this (ms). Tencent Cloud refuses a TC3 timestamp more than 5 minutes off, Huawei Cloud one
 * more than 15 minutes off; a wait for a rate-limit slot is normally well below a second.
 */
export const RESIGN_AFTER_MS = 60_000;

/** Options of {@link createProviderClient}. */
export interface ProviderClientOptions<C> {
  /** How to talk to the cloud (a provider is one). */
  provider: CloudProtocol<C>;
  deps: Pick<Deps, "now" | "sleep" | "fetch">;
  credential: C;
  /** Every request goes to this URL (the emulator, a proxy). */
  endpointUrl?: string | undefined;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number | undefined;
  /**
   * The transport of requests that are not idempotent (not GET/HEAD, and the call is not marked
   * idempotent): sends a request exactly once (`http1Fetch` of `../tencent/http1.ts` for real
   * networks). Deno's `fetch` re-sends a request by itself when the connection closes before
   * the answer. Without it every request goes through `deps.fetch`.
   */
  sendOnce?: SendOnceFn | undefined;
}

/** Options of one call: cancellation, idempotency token, timeout, whether it may be sent twice. */
export type ProviderCallOptions = CallerCallOptions;

/** A client of one provider and credential. */
export interface ProviderClient {
  /**
   * Calls the action of `spec` in `region`.
   *
   * @throws the provider's API error (with `code`, `requestId`, `httpStatus`)
   * @throws {NetworkError} no answer: connection failure or timeout
   */
  call(
    spec: ActionSpec,
    region: string,
    params: Record<string, unknown>,
    opts?: ProviderCallOptions,
  ): Promise<CallResult>;
  /** The access key id calls are signed with (never the secret). */
  readonly keyId: string;
  /** The clock correction learnt from `AuthFailure.SignatureExpire`, in ms (0 until then). */
  clockOffsetMs(): number;
}

/**
 * Creates a client of one provider.
 *
 * @example
 * ```ts
 * import { createProviderClient } from "./client.ts";
 * import { tencentProvider } from "../provider/tencent.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * const emulator = createEmulator();
 * const client = createProviderClient({
 *   provider: tencentProvider,
 *   deps: { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) },
 *   credential: { ...DEMO_CREDENTIAL },
 * });
 * const spec = tencentProvider.findAction("trocket", "DescribeTopicList")!;
 * const { response } = await client.call(spec, "ap-guangzhou", { InstanceId: "rmq-2x9f8k1p" });
 * console.log(response.TotalCount); // 3n
 * ```
 */
export function createProviderClient<C>(options: ProviderClientOptions<C>): ProviderClient {
  const { provider, deps, credential } = options;
  /** The clock correction learnt from `AuthFailure.SignatureExpire` (0 until then). */
  let offsetMs = 0;

  /** Sends one signed request and reads the answer (or throws the failure to send it). */
  async function send(
    spec: ActionSpec,
    region: string,
    params: Record<string, unknown>,
    opts: ProviderCallOptions,
  ): Promise<ProviderAnswer> {
    const site = { service: spec.service, action: spec.name };
    opts.signal?.throwIfAborted();
    const endpoint = provider.endpoint({
      service: spec.service,
      region,
      endpointUrl: options.endpointUrl,
    });
    const build = () =>
      provider.buildRequest({
        spec,
        region,
        params,
        credential,
        endpoint,
        timestampMs: deps.now() + offsetMs,
        clientToken: opts.clientToken,
      });
    // Signed first, then the caller's `beforeSend` (the rate-limit slot), then sent at once: the
    // signing does not delay the send after the slot. A signature older than
    // `RESIGN_AFTER_MS` after a long wait is made again (servers refuse old ones).
    const signedAtMs = deps.now();
    let request = await build();
    if (opts.beforeSend !== undefined) {
      await opts.beforeSend();
      opts.signal?.throwIfAborted();
      if (deps.now() - signedAtMs > RESIGN_AFTER_MS) request = await build();
    }
    const { response, text } = await sendAttempt({
      deps,
      timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      caller: opts.signal,
      site,
      url: request.url,
    }, (signal) => {
      const outgoing = new Request(request, { signal });
      const sendOnce = opts.idempotent === true || outgoing.method === "GET" ||
          outgoing.method === "HEAD"
        ? undefined
        : options.sendOnce;
      return sendOnce !== undefined ? sendOnce(outgoing, { signal, site }) : deps.fetch(outgoing);
    });
    return { status: response.status, headers: response.headers, text };
  }

  return {
    keyId: provider.keyId(credential),
    clockOffsetMs: () => offsetMs,
    async call(spec, region, params, opts = {}) {
      let resigned = false;
      for (;;) {
        const answer = await send(spec, region, params, opts);
        const parsed = provider.parseResponse(answer, spec);
        if (parsed.ok) return parsed.result;
        // The server's clock differs from ours: learn it from `Date`, sign once more.
        if (!resigned && isSignatureExpired(parsed.error)) {
          const correctionMs = clockOffsetFromDate(answer.headers.get("date"), deps.now());
          if (correctionMs !== undefined) {
            offsetMs = correctionMs;
            resigned = true;
            continue;
          }
        }
        throw parsed.error;
      }
    },
  };
}
