/**
 * Options of one typed-client call (shared by the generated service interfaces and
 * `client.call`).
 *
 * @module
 */
import type { RetryPolicy } from "../workflow/model.ts";

/**
 * Options of one call of the typed client.
 *
 * @example
 * ```ts
 * import type { ActionCallOptions } from "./call_options.ts";
 * const opts: ActionCallOptions = { region: "ap-shanghai", timeoutMs: 5_000, retry: { attempts: 2 } };
 * console.log(opts.region); // "ap-shanghai"
 * ```
 */
export interface ActionCallOptions {
  /** Overrides the client's region for this call. */
  region?: string;
  /** Cancels the call, its retries and its rate-limit wait. */
  signal?: AbortSignal;
  /** Per-request timeout (default: the client's, 30 s). */
  timeoutMs?: number;
  /** Overrides fields of the client's retry policy for this call. */
  retry?: Partial<RetryPolicy>;
}
