/**
 * The interface each emulated service implements. The emulator core (`handler.ts`) does the
 * protocol: routing, signature checks, parameter checks against the catalog, rate limits,
 * faults, request ids and the `{"Response": …}` envelope. A service only keeps state and
 * answers actions.
 *
 * @module
 */

/** A Tencent Cloud API error an action answers with (`{"Error": {Code, Message}}`). */
export class ApiError extends Error {
  /** e.g. `ResourceNotFound.Topic`, `InvalidParameterValue`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** What an action handler knows about its call. */
export interface CallContext {
  /** `X-TC-Region` of the request (may be empty for region-less services). */
  region: string;
  /** The caller's SecretId (resources may be kept per account). */
  secretId: string;
  action: string;
  version: string;
  /** Milliseconds since the epoch, from the emulator's clock. */
  now(): number;
  /** Deterministic pseudo-random float in [0, 1) from the emulator's seed. */
  random(): number;
  /** A fresh resource id with the given prefix, e.g. `newId("rmq-")` → `rmq-7f3k2a9x`. */
  newId(prefix: string): string;
}

/**
 * One action: takes the request parameters (already checked against the catalog: required
 * present, no unknown names, scalar types right; integers as number, or bigint when beyond
 * 2^53) and returns the `Response` fields without `RequestId`. Throws {@link ApiError}.
 */
export type ActionHandler = (
  params: Record<string, unknown>,
  ctx: CallContext,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** An emulated service version. State is kept in the object and is plain JSON data. */
export interface ServiceEmulator {
  service: string;
  version: string;
  actions: Record<string, ActionHandler>;
  /** The whole state as JSON-serializable data (for `/_emulator/state`). */
  snapshot(): unknown;
  /** Replace the state (for `reset` and `--data`); `undefined` restores the built-in seed data. */
  load(data: unknown | undefined): void;
}
