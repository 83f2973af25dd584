/**
 * What the HTTP clients (`lib/tencent/client.ts`, `lib/protocol/client.ts`) share around one
 * attempt: its deadline and cancellation, waiting on a promise that may ignore the signal, and
 * turning a failure to send or to read the answer into a {@link NetworkError} of the right phase.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import { NetworkError } from "../errors.ts";
import { isNetPermissionError, netPermissionError } from "./net_permission.ts";

/** Marks our own per-request timeout among abort reasons. */
class TimeoutSignal extends Error {}

/** Stops an attempt's timer (a reason made once: `abort()` without one builds a DOMException). */
const SETTLED = new Error("the attempt settled");

/** Options of {@link sendAttempt}. */
export interface AttemptOptions {
  deps: Pick<Deps, "sleep">;
  /** No answer within this time is a `timeout`. */
  timeoutMs: number;
  /** The caller's signal: aborting it aborts the attempt (with its reason). */
  caller: AbortSignal | undefined;
  /** The call, for error messages. */
  site: { service: string; action: string };
  /** Where the request goes, for the net-permission error. */
  url: string | URL;
}

/**
 * One attempt to send a request: `send` it with a signal that aborts after `timeoutMs` (with our
 * own timeout reason) or when the caller aborts, then read the whole answer.
 *
 * @throws what {@link fetchFailure} says for a failure to send or to read the answer
 */
export async function sendAttempt(
  o: AttemptOptions,
  send: (signal: AbortSignal) => Promise<Response>,
): Promise<{ response: Response; text: string }> {
  const controller = new AbortController();
  const stopTimer = new AbortController();
  o.deps.sleep(o.timeoutMs, stopTimer.signal).then(
    () => controller.abort(new TimeoutSignal(`no answer within ${o.timeoutMs} ms`)),
    () => {},
  );
  const onCallerAbort = () => controller.abort(o.caller?.reason);
  // The caller may have aborted while the request was being signed: no event will come.
  if (o.caller?.aborted) onCallerAbort();
  else o.caller?.addEventListener("abort", onCallerAbort, { once: true });
  const { signal } = controller;
  const fail = (error: unknown, answered: boolean) =>
    fetchFailure({ error, answered, attempt: signal, caller: o.caller, site: o.site, url: o.url });
  try {
    let response: Response;
    try {
      signal.throwIfAborted(); // never hand an aborted request to a handler that ignores signals
      response = await abortable(send(signal), signal);
    } catch (error) {
      throw fail(error, false);
    }
    try {
      return { response, text: await abortable(response.text(), signal) };
    } catch (error) {
      throw fail(error, true);
    }
  } finally {
    stopTimer.abort(SETTLED);
    o.caller?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts (a
 * `fetch`-shaped function that ignores `Request.signal`, like an in-process handler, still
 * times out).
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

/**
 * What to throw when sending a request or reading its answer failed: the caller's abort
 * reason, a configuration error for a refused net permission, a `timeout`, or a
 * `before-send`/`after-send` {@link NetworkError}. Once the server `answered`, the request was
 * received, so the failure is never `before-send`.
 */
export function fetchFailure(o: {
  error: unknown;
  answered: boolean;
  attempt: AbortSignal;
  caller: AbortSignal | undefined;
  site: { service: string; action: string };
  url: string | URL;
}): unknown {
  const { error, site } = o;
  const networkError = (phase: NetworkError["phase"], message: string) =>
    new NetworkError({ service: site.service, action: site.action, phase, message, cause: error });
  if (o.caller?.aborted) return o.caller.reason;
  // Deno's permissions refused the connection: a configuration error, never retried.
  if (isNetPermissionError(error)) return netPermissionError(o.url);
  if (o.attempt.aborted && o.attempt.reason instanceof TimeoutSignal) {
    return networkError("timeout", `${site.service}.${site.action}: ${o.attempt.reason.message}`);
  }
  // A send-once transport already knows whether anything was written.
  if (error instanceof NetworkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Failures that happen before a connection exists: the request cannot have been applied.
  const before = !o.answered &&
    /connection refused|dns error|failed to lookup|name or service not known|no such host|certificate|tcp connect error|invalid url/i
      .test(message);
  return networkError(
    before ? "before-send" : "after-send",
    `${site.service}.${site.action}: ${
      before ? "could not connect" : "the connection broke"
    }: ${message}`,
  );
}
