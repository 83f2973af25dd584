/**
 * The provider interface: what the engine needs from one cloud. Tencent Cloud and Huawei Cloud
 * each implement it, so a third cloud is one more folder (catalog data, signer, errors) plus one
 * object implementing {@link Provider}, not changes across the engine.
 *
 * A provider is pure: it looks actions up, says where a request goes, builds the signed
 * `Request` for a call and reads the answer. Sending it — timeouts, cancellation, network
 * failures — is the job of the provider-independent client (`./client.ts`); retrying is the
 * engine's, guided by {@link Provider.classifyError}.
 *
 * @module
 */
import type { CloudCatalog } from "../catalog/clouds.ts";
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import type { CallSite, ErrorClass } from "../errors.ts";

export type { ErrorClass };

/**
 * A transport that sends a request at most once (`http1Fetch` of `lib/tencent/http1.ts` is one).
 * It rejects with a `NetworkError` naming `site` when no answer came.
 */
export type SendOnceFn = (
  request: Request,
  opts: { signal?: AbortSignal | undefined; site?: CallSite | undefined },
) => Promise<Response>;

/**
 * The provider prefix of action names (`huaweicloud/cph.ListEncodeServers`): `tencentcloud`,
 * `huaweicloud`, or the name of any provider in `./registry.ts`.
 */
export type ProviderName = string;

/** Options of {@link Provider.endpoint}. */
export interface ProviderEndpointOptions {
  /** Catalog service name, e.g. `trocket` or `huaweicloud/cph`. */
  service: string;
  region: string;
  /** Send the request to this URL instead (the emulator, a proxy); its path is a prefix. */
  endpointUrl?: string | undefined;
}

/** Where a request goes: the URL (path prefix included) and the `Host` that is signed. */
export interface ProviderEndpoint {
  url: URL;
  host: string;
}

/** What {@link Provider.buildRequest} needs for one call. */
export interface BuildRequestOptions<C> {
  spec: ActionSpec;
  region: string;
  /** The action's parameters by catalog name (integers as number or bigint). */
  params: Record<string, unknown>;
  credential: C;
  endpoint: ProviderEndpoint;
  /** Signing time in milliseconds since the epoch (from `Deps.now`, clock skew applied). */
  timestampMs: number;
  /** The idempotency token to send, when the action takes one. */
  clientToken?: string | undefined;
}

/** An HTTP answer, read: status, headers and the whole body as text. */
export interface ProviderAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A successful call. */
export interface CallResult {
  /** The response object without the request id (`RequestId`, `request_id`). */
  response: Record<string, unknown>;
  /** The request id of the response (empty when the answer has none). */
  requestId: string;
  /** HTTP status of the answer (below 400). */
  httpStatus: number;
}

/** An API error of any provider: a stable code, the request id when known, the HTTP status. */
export interface ProviderApiError extends Error {
  code: string;
  requestId?: string;
  httpStatus: number;
}

/** The outcome of reading an answer: errors are data. */
export type ParsedAnswer =
  | { ok: true; result: CallResult }
  | { ok: false; error: ProviderApiError };

/** Where {@link Provider.loadCredentials} may look: the command line, environment and files. */
export interface CredentialSources {
  /** `--region`, when given. */
  region?: string | undefined;
  /** `--profile`, when given. */
  profile?: string | undefined;
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** Reads a text file; a missing file rejects with `Deno.errors.NotFound`. */
  readFile: (path: string) => Promise<string>;
  /** The home directory, or undefined when unknown (profile files are then skipped). */
  homeDir: string | undefined;
}

/** Credentials found by {@link Provider.loadCredentials}. */
export interface LoadedCredentials<C> {
  credential: C;
  /** The region a source gave (`--region`, an environment variable, a profile), if any. */
  region?: string | undefined;
  /** Where they came from, for messages (`environment`, `Huawei Cloud: environment` …). */
  source: string;
  /** Values that must never be printed: secret keys, session tokens. */
  secrets: string[];
}

/** Options of {@link Provider.createCaller}. */
export interface CallerOptions<C> {
  deps: Pick<Deps, "now" | "sleep" | "fetch">;
  credential: C;
  /** Region of calls that name none (a cloud may have its own default). */
  region?: string | undefined;
  /** Every request goes to this URL (the emulator, a proxy). */
  endpointUrl?: string | undefined;
  /** `--regional-endpoints` (clouds that have global endpoints). */
  regionalEndpoints?: boolean | undefined;
  /** Sends requests that are not idempotent exactly once (`http1Fetch` for real networks). */
  sendOnce?: SendOnceFn | undefined;
  /** The language of API messages, e.g. `en-US` (clouds that support it). */
  language?: string | undefined;
}

/**
 * Options of one call of a {@link ProviderCaller}; every cloud's client takes these (the
 * Tencent client as `CallOptions`, the generic provider client as `ProviderCallOptions`).
 */
export interface CallerCallOptions {
  /** Cancels the call (the rejection is the signal's reason). */
  signal?: AbortSignal | undefined;
  /** The idempotency token (`ClientToken` for Tencent Cloud), unless the params have one. */
  clientToken?: string | undefined;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number | undefined;
  /**
   * True when sending the request twice is harmless (a read, or a token is set): it then goes
   * through `deps.fetch` (pooled). Default false: through the client's send-once transport
   * when it has one.
   */
  idempotent?: boolean | undefined;
  /**
   * Awaited once for every request, after it is built and signed and right before it is sent:
   * the engine takes its rate-limit slot here, so that signing (several WebCrypto round trips,
   * tens of milliseconds on a busy event loop) never delays a send after its slot. A rejection
   * stops the call with nothing sent (and is what the call rejects with). Every client of
   * tcflow awaits it (`createProviderClient`); a wrapper that checks something right before
   * sending (a worker's lease) wraps it.
   */
  beforeSend?: (() => Promise<void>) | undefined;
}

/** A client of one cloud in the engine's call shape (`service, action, version, region, params`). */
export interface ProviderCaller {
  call(
    service: string,
    action: string,
    version: string,
    region: string,
    params: unknown,
    opts?: CallerCallOptions,
  ): Promise<CallResult>;
  /** The access key id calls are signed with (never the secret). */
  readonly keyId: string;
}

/** How to talk to one cloud: endpoints, signed requests, answers. `C` is its credential type. */
export type CloudProtocol<C> = Pick<
  Provider<C>,
  "endpoint" | "buildRequest" | "parseResponse" | "keyId"
>;

/**
 * The port the engine sends every call through: a cloud's client (`createTencentClient`, the
 * Huawei client's `invoke`), or a router of several (`lib/provider/route.ts`).
 */
export interface CallPort {
  /**
   * Sends one call; rejects with the cloud's API error or a `NetworkError`. Awaits
   * `opts.beforeSend` right before each request goes out (the engine's rate-limit slot).
   */
  call(
    service: string,
    action: string,
    version: string,
    region: string,
    params: unknown,
    opts?: CallerCallOptions,
  ): Promise<CallResult>;
  /** The access key id calls are signed with (for rate-limit keys; never the secret). */
  readonly secretId: string;
}

/** One cloud: its catalog (what it is) and how to talk to it. `C` is its credential type. */
export interface Provider<C> extends CloudCatalog {
  readonly name: ProviderName;
  /** @throws {TypeError} on an invalid endpoint URL, service or region. */
  endpoint(options: ProviderEndpointOptions): ProviderEndpoint;
  /** The signed request of one call; the body is serialized once and those bytes are signed. */
  buildRequest(options: BuildRequestOptions<C>): Promise<Request>;
  /** Reads an answer into a result or the provider's API error. */
  parseResponse(answer: ProviderAnswer, spec: ActionSpec): ParsedAnswer;
  /**
   * Whether a failed call may be sent again: `retry`, `never`, or `unknown-outcome` (the
   * request may have been applied). `extraCodes` are a step's `retry.on`.
   */
  classifyError(err: unknown, extraCodes?: readonly string[]): ErrorClass;
  /** Whether an error is this provider's own API error (so {@link classifyError} reads it). */
  ownsError(err: unknown): boolean;
  /** What to set when this cloud's credentials are missing, e.g. the environment variables. */
  readonly credentialsHint: string;
  /** The access key id of a credential, for rate-limit keys and logs (never the secret). */
  keyId(credential: C): string;
  /**
   * Finds this cloud's credentials (flags, environment, profile files …).
   *
   * @throws {ConfigError} (of `lib/cli/context.ts`) when they are missing or malformed; the
   *   message names the sources to set, never a secret
   */
  loadCredentials?(sources: CredentialSources): Promise<LoadedCredentials<C>>;
  /** A client of this cloud for the engine. */
  createCaller?(options: CallerOptions<C>): ProviderCaller;
}
