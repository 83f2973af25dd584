/**
 * The typed client for Deno scripts and notebooks: `client.trocket.DescribeTopicList({...})`
 * with the request and response types of the catalog (generated in `./types/`), and
 * `client.call("service.Action", params)` for any action of the catalog.
 *
 * Every call goes the way a workflow step's call goes: the parameters are checked against the
 * catalog before anything is sent, the process-wide rate limiter paces it, the engine's retry
 * loop retries what is safe to retry (a mutating action whose outcome is unknown only with a
 * `ClientToken`, filled in by the client), and failures are thrown as {@link TencentApiError}
 * or {@link NetworkError}.
 *
 * @module
 */
import {
  actionSuggestion,
  catalogIndex,
  findAction,
  findStructure,
  serviceSuggestion,
} from "../catalog/catalog.ts";
import { paramProblem } from "../catalog/params.ts";
import type { ActionSpec } from "../catalog/types.ts";
import {
  checkRegion,
  checkTarget,
  connect,
  type Connection,
  type InProcessEmulator,
} from "../connect.ts";
import { type Deps, systemDeps } from "../deps.ts";
import { NetworkError, TencentApiError } from "../errors.ts";
import { callWithRetry, isMutating } from "../engine/call.ts";
import type { CallPort } from "../engine/options.ts";
import { createRateLimiter, type RateLimiter } from "../engine/rate_limiter.ts";
import { DEFAULT_RETRY } from "../workflow/defaults.ts";
import type { Credential } from "../tencent/signer.ts";
import type { RetryPolicy } from "../workflow/model.ts";
import type { ActionCallOptions } from "./call_options.ts";
import type { ApigatewayClient } from "./types/apigateway.ts";
import type { SslClient } from "./types/ssl.ts";
import type { TrocketClient } from "./types/trocket.ts";
import type { YunjingClient } from "./types/yunjing.ts";

export type { ActionCallOptions } from "./call_options.ts";

/**
 * Options of {@link createClient}.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from "./client.ts";
 * const options: ClientOptions = { region: "ap-guangzhou", emulator: true, rateScale: 10 };
 * console.log(options.region); // "ap-guangzhou"
 * ```
 */
export interface ClientOptions<E extends InProcessEmulator = InProcessEmulator> {
  /** Region of every call (a call may override it). */
  region: string;
  /**
   * The key pair. Default: the emulator's demo credential with `emulator`, else resolved on
   * the first call like the CLI does (`TENCENTCLOUD_SECRET_ID`/`_KEY`/`_SESSION_TOKEN`, then
   * the TCCLI profile files).
   */
  credential?: Credential;
  /** Reads environment variables for credential resolution (default `Deno.env.get`). */
  env?: (name: string) => string | undefined;
  /** TCCLI profile name for credential resolution. */
  profile?: string;
  /** Sends every request to this URL (an emulator server, a proxy). */
  endpointUrl?: string;
  /** `<service>.<region>.tencentcloudapi.com` instead of `<service>.tencentcloudapi.com`. */
  regionalEndpoints?: boolean;
  /** `true`: an in-process emulator (`createEmulator()`); or an emulator to talk to in-process. */
  emulator?: boolean | E;
  /** Time, randomness, sleeping, `fetch` (default: the system's). */
  deps?: Partial<Deps>;
  /** A rate limiter to share (default: a new one for this client). */
  rateLimiter?: RateLimiter;
  /** Multiplies every rate limit (the client's and an in-process emulator's). Default 1. */
  rateScale?: number;
  /** Overrides fields of the retry policy (default: 5 attempts, 1 s doubling to 20 s, full jitter). */
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** `X-TC-Language`, e.g. `en-US`. */
  language?: string;
}

/**
 * Options of {@link TcflowClient.call}.
 *
 * @example
 * ```ts
 * import type { GenericCallOptions } from "./client.ts";
 * const opts: GenericCallOptions = { version: "2023-03-08", region: "ap-shanghai" };
 * console.log(opts.version); // "2023-03-08"
 * ```
 */
export interface GenericCallOptions extends ActionCallOptions {
  /** API version (default: the newest version of the service that has the action). */
  version?: string;
  /**
   * Send an action the catalog does not know (`version` required): no parameter checks,
   * mutating unless its name starts with `Describe`, `List`, `Get`, `Query`, `Check`, `Inquiry`.
   */
  untyped?: boolean;
}

/**
 * An action's `Response` object: its fields (integers as `bigint`) and `RequestId`.
 *
 * @example
 * ```ts
 * import type { ActionResponse } from "./client.ts";
 * const response: ActionResponse = { TotalCount: 2n, RequestId: "…" };
 * console.log(response.TotalCount); // 2n
 * ```
 */
export type ActionResponse = Record<string, unknown> & { RequestId: string };

/**
 * The typed client made by {@link createClient}.
 *
 * @example
 * ```ts
 * import { createClient, type TcflowClient } from "./client.ts";
 * const client: TcflowClient = createClient({ region: "ap-guangzhou", emulator: true });
 * const { TotalCount } = await client.trocket.DescribeInstanceList({ Offset: 0, Limit: 10 });
 * console.log(TotalCount); // 2n
 * ```
 */
export interface TcflowClient<E extends InProcessEmulator = InProcessEmulator> {
  /** RocketMQ 5.x. */
  readonly trocket: TrocketClient;
  /** API Gateway. */
  readonly apigateway: ApigatewayClient;
  /** SSL Certificates. */
  readonly ssl: SslClient;
  /** Host security (yunjing). */
  readonly yunjing: YunjingClient;
  /**
   * Calls any action of the catalog by name (`service.Action` or `tencentcloud/service.Action`).
   *
   * @throws {TencentApiError} an unknown action (`InvalidAction`), parameters that do not match
   *   the catalog (`MissingParameter`, `UnknownParameter`, `InvalidParameterValue`, with HTTP
   *   status 0: nothing was sent), or the API's error after retries
   * @throws {NetworkError} no answer after retries, or an unknown outcome that is unsafe to retry
   * @throws {UsageError} `opts.region` is not a region name
   */
  call(
    name: string,
    params?: Record<string, unknown>,
    opts?: GenericCallOptions,
  ): Promise<ActionResponse>;
  /** The default region of calls. */
  readonly region: string;
  /** The in-process emulator, when the client was made with `emulator`. */
  readonly emulator: E | undefined;
}

/** Makes the in-process emulator of `emulator: true` (`createEmulator` of `tcflow/emulator`). */
export type NewEmulator<E> = (
  options: { now: () => number; sleep: (ms: number) => Promise<void>; rateScale: number },
) => E;

/** The services with generated types, i.e. the typed properties of {@link TcflowClient}. */
const TYPED_SERVICES = ["trocket", "apigateway", "ssl", "yunjing"] as const;

/**
 * Creates a typed client.
 *
 * @param options region, credential or `emulator`, endpoint, rate-limit and retry settings
 * @returns the client; nothing is sent until a call
 * @throws {UsageError} a region that is not a region name, an endpoint URL that is not an http(s)
 *   URL, a rate scale that is not a number > 0
 *
 * @example
 * ```ts
 * import { createClient } from "./client.ts";
 *
 * // A local Tencent Cloud with its demo credential; give `credential` (or set
 * // TENCENTCLOUD_SECRET_ID/KEY) and drop `emulator` for the real one.
 * const client = createClient({ region: "ap-guangzhou", emulator: true });
 * const topics = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p", Limit: 10 });
 * console.log(topics.TotalCount, topics.Data.map((t) => t.Topic));
 *
 * const certs = await client.call("ssl.DescribeCertificates", { Limit: 5 });
 * console.log(certs.RequestId);
 * ```
 */
export function createClient<E extends InProcessEmulator>(
  options: ClientOptions<E>,
  newEmulator?: NewEmulator<E>,
): TcflowClient<E> {
  checkTarget(options);
  const rateScale = options.rateScale ?? 1;
  const deps: Deps = { ...systemDeps(), ...options.deps };
  let emulator: E | undefined;
  if (typeof options.emulator === "object") emulator = options.emulator;
  else if (options.emulator === true && newEmulator !== undefined) {
    emulator = newEmulator({ now: () => deps.now(), sleep: (ms) => deps.sleep(ms), rateScale });
  }
  const rateLimiter = options.rateLimiter ?? createRateLimiter({ deps, scale: rateScale });
  const basePolicy: RetryPolicy = { ...DEFAULT_RETRY, on: [], ...options.retry };

  // Connected on the first call, the way a run connects (lib/connect.ts): credentials, target,
  // the send-once transport of mutations over a real network.
  let connection: Promise<Connection> | undefined;
  const connected = (): Promise<Connection> =>
    connection ??= connect({
      deps,
      env: options.env ?? ((name: string) => Deno.env.get(name)),
      emulator: emulator ?? options.emulator === true,
      credential: options.credential,
      endpointUrl: options.endpointUrl,
      regionalEndpoints: options.regionalEndpoints,
      rateScale,
      profile: options.profile,
      language: options.language,
    }).catch((error) => {
      connection = undefined; // a later call may succeed (e.g. once the environment is set)
      throw error;
    });

  async function call(
    name: string,
    params: Record<string, unknown> = {},
    opts: GenericCallOptions = {},
  ): Promise<ActionResponse> {
    const { service, action } = splitName(name);
    return await callAction(service, action, params, opts);
  }

  async function callAction(
    service: string,
    action: string,
    params: Record<string, unknown>,
    opts: GenericCallOptions,
  ): Promise<ActionResponse> {
    if (opts.region !== undefined) checkRegion(opts.region);
    const spec = lookup(service, action, opts);
    if (spec !== undefined) {
      const problem = paramProblem(
        spec.inputs,
        params,
        (n) => findStructure(service, spec.version, n),
      );
      if (problem !== undefined) {
        throw new TencentApiError({
          service,
          action,
          code: problem.code,
          message: `${service}.${action} was not sent: ${problem.message}`,
          httpStatus: 0,
        });
      }
    }
    const { client } = await connected();
    const target = {
      service,
      action,
      version: spec?.version ?? opts.version!,
      region: opts.region ?? options.region,
      spec,
    };
    const mutating = isMutating(target);
    let clientToken: string | undefined;
    if (mutating && spec?.clientToken === true) {
      clientToken = typeof params.ClientToken === "string"
        ? params.ClientToken
        : randomToken(deps.random);
    }
    let lastError: unknown;
    const capturing: CallPort = {
      secretId: client.secretId,
      call: (...args) =>
        client.call(...args).catch((error: unknown) => {
          lastError = error;
          throw error;
        }),
    };
    const outcome = await callWithRetry(
      {
        deps,
        client: capturing,
        rateLimiter,
        emit: () => Promise.resolve(),
        signal: opts.signal,
      },
      target,
      params,
      {
        stepId: action,
        policy: opts.retry === undefined
          ? basePolicy
          : { ...basePolicy, ...opts.retry, on: [...basePolicy.on, ...(opts.retry.on ?? [])] },
        timeoutMs: opts.timeoutMs ?? options.timeoutMs,
        clientToken,
      },
    );
    if (outcome.ok) return { ...outcome.response, RequestId: outcome.requestId };
    if (outcome.uncertain) throw uncertainError(lastError, outcome.error.message);
    throw lastError ?? new Error(outcome.error.message);
  }

  const services = new Map<string, unknown>();
  const typed = (service: string): unknown => {
    let methods = services.get(service);
    if (methods === undefined) {
      const entry = catalogIndex().services[service]!;
      const version = entry.versions[0]!;
      methods = Object.fromEntries(
        (entry.actions[version] ?? []).map((
          action,
        ) => [
          action,
          (req?: Record<string, unknown>, opts?: ActionCallOptions) =>
            callAction(service, action, req ?? {}, { ...opts, version }),
        ]),
      );
      services.set(service, methods);
    }
    return methods;
  };

  const client = {
    call,
    region: options.region,
    emulator,
  } as TcflowClient<E>;
  for (const service of TYPED_SERVICES) {
    Object.defineProperty(client, service, { get: () => typed(service), enumerable: true });
  }
  return client;
}

function splitName(name: string): { service: string; action: string } {
  const bare = name.replace(/^tencentcloud\//, "");
  const dot = bare.lastIndexOf(".");
  if (bare.startsWith("huaweicloud/") || dot <= 0 || dot === bare.length - 1) {
    throw new TencentApiError({
      service: dot > 0 ? bare.slice(0, dot) : bare,
      action: dot > 0 ? bare.slice(dot + 1) : "",
      code: "InvalidAction",
      message: bare.startsWith("huaweicloud/")
        ? `${name}: the client calls Tencent Cloud actions; run Huawei Cloud operations in a workflow`
        : `${
          JSON.stringify(name)
        } is not an action name: write service.Action, e.g. trocket.DescribeTopicList`,
      httpStatus: 0,
    });
  }
  return { service: bare.slice(0, dot), action: bare.slice(dot + 1) };
}

function lookup(
  service: string,
  action: string,
  opts: GenericCallOptions,
): ActionSpec | undefined {
  const spec = findAction(service, action, opts.version);
  if (spec !== undefined) return spec;
  if (opts.untyped === true && opts.version !== undefined) return undefined;
  let message: string;
  if (!Object.hasOwn(catalogIndex().services, service)) {
    const near = serviceSuggestion(service);
    message = `unknown service "${service}"${
      near !== undefined ? `: did you mean "${near}"?` : ""
    }`;
  } else if (opts.version !== undefined && findAction(service, action) !== undefined) {
    message = `${service} ${opts.version} has no action ${action}`;
  } else {
    const near = actionSuggestion(service, action);
    message = `${service} has no action ${action}${
      near !== undefined ? `: did you mean ${near}?` : ""
    } (an action the catalog does not know needs { untyped: true, version })`;
  }
  throw new TencentApiError({ service, action, code: "InvalidAction", message, httpStatus: 0 });
}

/** A `ClientToken` for one logical call (the same for all its retries): 32 hex digits. */
function randomToken(random: () => number): string {
  let token = "";
  for (let i = 0; i < 32; i++) token += Math.floor(random() * 16).toString(16);
  return token;
}

/** The error of a call that stopped as uncertain: the engine's explanation, the cause kept. */
function uncertainError(cause: unknown, message: string): Error {
  if (cause instanceof NetworkError) {
    return new NetworkError({
      service: cause.service,
      action: cause.action,
      phase: cause.phase,
      message,
      cause,
    });
  }
  if (cause instanceof TencentApiError) {
    return new TencentApiError({
      service: cause.service,
      action: cause.action,
      code: cause.code,
      message,
      httpStatus: cause.httpStatus,
      requestId: cause.requestId,
      cause,
    });
  }
  return cause instanceof Error ? cause : new Error(message);
}
