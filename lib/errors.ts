/**
 * Every error class of tcflow, as data, at the bottom of the import graph: configuration and
 * usage errors, and the errors of API calls (Tencent Cloud and Huawei Cloud) with their `code`,
 * `requestId`, HTTP status and chained `cause`. No I/O; every layer may import this module.
 * Which errors are retried is decided above (`tencent/errors.ts`, `huawei/errors.ts`).
 *
 * @module
 */

/** A bad command line or bad input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A configuration or credential problem: printed without a stack trace, exit code 3. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parameters that do not match an action's input types (`MissingParameter`,
 * `UnknownParameter`, `InvalidParameterValue`, `InvalidParameter`): found before anything is
 * sent (the typed client) or when a request arrives (the emulator).
 */
export class ParamError extends Error {
  /** Tencent Cloud's error code for the problem. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "ParamError";
    this.code = code;
  }
}

/** Where a call is: its service and action (both kept on every error). */
export interface CallSite {
  /** Service name, e.g. `trocket`. */
  service: string;
  /** Action name, e.g. `DescribeTopicList`. */
  action: string;
}

/**
 * An error answered by the API (`{"Response": {"Error": {Code, Message}, RequestId}}`), or an
 * HTTP error status without such a body (`code` is then `HttpStatus.<status>`), or a
 * response that cannot be read (`code` `InvalidResponse`).
 *
 * @example
 * ```ts
 * import { TencentApiError } from "./errors.ts";
 * import { createClient } from "./client/client.ts";
 *
 * const client = createClient({ region: "ap-guangzhou", emulator: true });
 * try {
 *   await client.trocket.DescribeTopicList({ InstanceId: "rmq-missing" });
 * } catch (error) {
 *   if (!(error instanceof TencentApiError)) throw error;
 *   console.log(error.code, error.httpStatus, error.requestId); // "ResourceNotFound.Instance" 200 "…"
 * }
 * ```
 */
export class TencentApiError extends Error {
  /** Tencent's error code, e.g. `ResourceNotFound.Topic`, `RequestLimitExceeded`. */
  readonly code: string;
  /** The API's `RequestId`, when it answered. */
  readonly requestId?: string;
  /** HTTP status of the answer (200 for API errors; 0 when nothing was sent). */
  readonly httpStatus: number;
  /** The service called, e.g. `trocket`. */
  readonly service: string;
  /** The action called, e.g. `CreateTopic`. */
  readonly action: string;

  /** Creates the error; `cause` is kept. */
  constructor(
    init: CallSite & {
      code: string;
      message: string;
      httpStatus: number;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TencentApiError";
    this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.service = init.service;
    this.action = init.action;
  }
}

/**
 * Where a network failure happened, i.e. whether the request may have been applied:
 * - `before-send`: the request never left (DNS, connection refused): safe to retry;
 * - `after-send`: the connection broke once the request was (possibly) sent: unknown outcome;
 * - `timeout`: no answer within the per-request timeout: unknown outcome.
 */
export type NetworkPhase = "before-send" | "after-send" | "timeout";

/**
 * The call did not get an HTTP answer.
 *
 * @example
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * import { classifyError } from "./tencent/errors.ts";
 * const error = new NetworkError({
 *   service: "trocket",
 *   action: "CreateTopic",
 *   phase: "after-send",
 *   message: "trocket.CreateTopic: the connection broke",
 * });
 * console.log(error.code, classifyError(error)); // "NetworkError.AfterSend" "unknown-outcome"
 * ```
 */
export class NetworkError extends Error {
  /** Stable code for reports: `NetworkError.BeforeSend`, `NetworkError.AfterSend`, `NetworkError.Timeout`. */
  readonly code: string;
  /** Whether the request may have been applied. */
  readonly phase: NetworkPhase;
  /** The service called. */
  readonly service: string;
  /** The action called. */
  readonly action: string;

  /** Creates the error; `cause` is kept. */
  constructor(
    init: CallSite & { phase: NetworkPhase; message: string; cause?: unknown },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "NetworkError";
    this.phase = init.phase;
    this.service = init.service;
    this.action = init.action;
    this.code = init.phase === "timeout"
      ? "NetworkError.Timeout"
      : init.phase === "before-send"
      ? "NetworkError.BeforeSend"
      : "NetworkError.AfterSend";
  }
}

/**
 * What to do about a failed call:
 * - `retry`: safe to send again;
 * - `never`: sending again cannot help (bad parameters, no permission, not found …);
 * - `unknown-outcome`: the request may have been applied (timeout, connection cut after
 *   sending, `InternalError*`, HTTP 500/504): a read may be retried; a mutating action only
 *   with a stable `ClientToken`.
 */
export type ErrorClass = "retry" | "never" | "unknown-outcome";

/** Where a call is: its service (`huaweicloud/cph`), operation and HTTP method. */
export interface HuaweiCallSite {
  service: string;
  action: string;
  method: string;
}

/** An error answered by a Huawei Cloud API (or an HTTP error status without such a body). */
export class HuaweiApiError extends Error {
  /** Huawei's `error_code`, e.g. `CPS.0005`, `APIGW.0301`; `HttpStatus.<n>` without a body. */
  readonly code: string;
  readonly requestId?: string;
  readonly httpStatus: number;
  readonly service: string;
  readonly action: string;
  /** The HTTP method of the call (a GET is safe to repeat). */
  readonly method: string;

  constructor(
    init: HuaweiCallSite & {
      code: string;
      message: string;
      httpStatus: number;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "HuaweiApiError";
    this.code = init.code;
    if (init.requestId !== undefined && init.requestId !== "") this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.service = init.service;
    this.action = init.action;
    this.method = init.method.toUpperCase();
  }
}

/** A request that cannot be built from the given parameters (nothing was sent). */
export class HuaweiRequestError extends Error {
  /** `E_PARAM` (a parameter cannot be sent) or `E_UNKNOWN_ACTION`. */
  readonly code: "E_PARAM" | "E_UNKNOWN_ACTION";
  constructor(message: string, code: "E_PARAM" | "E_UNKNOWN_ACTION" = "E_PARAM") {
    super(message);
    this.name = "HuaweiRequestError";
    this.code = code;
  }
}
