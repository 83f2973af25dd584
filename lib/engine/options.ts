/**
 * What the engine needs to send the steps of a run. The engine talks to clouds through one
 * small port ({@link CallPort}: `call(service, action, version, region, params, opts)`), which
 * every cloud's client implements; it owns retry, rate limiting and `ClientToken`s itself.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import type { RunSink } from "../journal/events.ts";
import type { CallPort } from "../protocol/provider.ts";
import type { RateLimiter } from "./rate_limiter.ts";

export type { CallPort };

/**
 * What sending the steps of a run needs, whether it runs ({@link RunOptions}) or compensates
 * (`RollbackOptions` of `rollback.ts`).
 */
export interface EngineOptions {
  /** Input values, checked and with defaults (see `parseInputFlags`). */
  inputs: Record<string, unknown>;
  /** Time, randomness, sleeping and `fetch`. */
  deps: Deps;
  /** Sends the calls: any cloud's client (`createTencentClient`), or a router of several. */
  client: CallPort;
  /** Paces calls per (service, action, region, credential). */
  rateLimiter: RateLimiter;
  /** Receives every run event (the journal, progress output). */
  sink?: RunSink;
  /** The run id; `ClientToken`s derive from it. */
  runId: string;
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Region when neither the step nor the workflow gives one (`--region`, credentials). */
  region?: string;
  /** Values of the workflow's `env:` allow-list. */
  env?: Record<string, string>;
  /** Values that must never appear in events or the result (secret inputs, keys, tokens). */
  secrets?: string[];
}
