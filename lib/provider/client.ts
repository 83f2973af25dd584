/**
 * The provider-independent client: sends the request a {@link Provider} builds, with a
 * per-request timeout and cancellation, and turns the outcome into a result, the provider's API
 * error, or a {@link NetworkError} that says whether the request may have been applied.
 * Retrying is the engine's job (guided by `provider.classifyError`).
 *
 * @module
 */
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import { NetworkError } from "../tencent/errors.ts";
import type { SendOnceFn } from "../tencent/http1.ts";
import { clockOffsetFromDate, isSignatureExpired } from "./clock_skew.ts";
import { isNetPermissionError, netPermissionError } from "./net_permission.ts";
import type { CallResult, Provider, ProviderAnswer } from "./provider.ts";

/** Options of {@link createProviderClient}. */
export interface ProviderClientOptions<C> {
  provider: Provider<C>;
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

/** Options of one call. */
export interface ProviderCallOptions {
  /** Cancels the call (the rejection is the signal's reason). */
  signal?: AbortSignal | undefined;
  /** The idempotency token, for actions that take one. */
  clientToken?: string | undefined;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number | undefined;
  /**
   * True when sending the request twice is harmless (a read, or a token is set): it then goes
   * through `deps.fetch` (pooled) even if it is a POST.
   */
  idempotent?: boolean | undefined;
}

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

const DEFAULT_TIMEOUT_MS = 30_000;

/** Marks our own per-request timeout among abort reasons. */
class TimeoutSignal extends Error {}

/**
 * Creates a client of one provider.
 *
 * @example
 * ```ts
 * const client = createProviderClient({ provider: huaweiProvider, deps: systemDeps(), credential });
 * const { response } = await client.call(spec, "cn-north-4", { limit: 10 });
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
    const networkError = (phase: NetworkError["phase"], message: string, cause: unknown) =>
      new NetworkError({ ...site, phase, message, cause });
    opts.signal?.throwIfAborted();
    const endpoint = provider.endpoint({
      service: spec.service,
      region,
      endpointUrl: options.endpointUrl,
    });
    const request = await provider.buildRequest({
      spec,
      region,
      params,
      credential,
      endpoint,
      timestampMs: deps.now() + offsetMs,
      clientToken: opts.clientToken,
    });
    const controller = new AbortController();
    const stopTimer = new AbortController();
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    deps.sleep(timeoutMs, stopTimer.signal).then(
      () => controller.abort(new TimeoutSignal(`no answer within ${timeoutMs} ms`)),
      () => {},
    );
    const onCallerAbort = () => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const fail = (error: unknown, answered: boolean): unknown => {
      if (opts.signal?.aborted) return opts.signal.reason;
      // Deno's permissions refused the connection: a configuration error, never retried.
      if (isNetPermissionError(error)) return netPermissionError(request.url);
      if (controller.signal.aborted && controller.signal.reason instanceof TimeoutSignal) {
        return networkError(
          "timeout",
          `${spec.service}.${spec.name}: ${controller.signal.reason.message}`,
          error,
        );
      }
      // A send-once transport already knows whether anything was written.
      if (error instanceof NetworkError) return error;
      const message = error instanceof Error ? error.message : String(error);
      const before = !answered &&
        /connection refused|dns error|failed to lookup|name or service not known|no such host|certificate|tcp connect error|invalid url/i
          .test(message);
      return networkError(
        before ? "before-send" : "after-send",
        `${spec.service}.${spec.name}: ${
          before ? "could not connect" : "the connection broke"
        }: ${message}`,
        error,
      );
    };
    try {
      let response: Response;
      try {
        const outgoing = new Request(request, { signal: controller.signal });
        const sendOnce = opts.idempotent === true || outgoing.method === "GET" ||
            outgoing.method === "HEAD"
          ? undefined
          : options.sendOnce;
        response = await abortable(
          sendOnce !== undefined
            ? sendOnce(outgoing, { signal: controller.signal, site })
            : deps.fetch(outgoing),
          controller.signal,
        );
      } catch (error) {
        throw fail(error, false);
      }
      let text: string;
      try {
        text = await abortable(response.text(), controller.signal);
      } catch (error) {
        throw fail(error, true);
      }
      return { status: response.status, headers: response.headers, text };
    } finally {
      stopTimer.abort();
      opts.signal?.removeEventListener("abort", onCallerAbort);
    }
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

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts (an
 * in-process handler that ignores `Request.signal` still times out).
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
