/**
 * The one connect module: credentials and a target (the in-process emulator, an endpoint URL,
 * regional endpoints, a region, a profile) turned into what a run needs — a client routed by
 * cloud, a rate limiter, the deps calls go through and the secrets to redact. The CLI
 * (`cli/_connect.ts`, from flags), the library (`mod.ts`) and the notebooks use it. It is a
 * composition root: the only module besides `lib/cli/` and `mod.ts` that loads the emulator.
 *
 * @example
 * ```ts
 * import { connect } from "./connect.ts";
 * import { systemDeps } from "./deps.ts";
 * const connection = await connect({ deps: systemDeps(), env: () => undefined, emulator: true });
 * console.log(connection.source); // "--emulator (demo credential)"
 * connection.close();
 * ```
 *
 * @module
 */
import { type Deps, systemFetch } from "./deps.ts";
import { ConfigError, UsageError } from "./errors.ts";
import type { Workflow } from "./workflow/model.ts";
import type {
  CallPort,
  CredentialSources,
  LoadedCredentials,
  ProviderName,
} from "./protocol/provider.ts";
import {
  DEFAULT_PROVIDER,
  providerByName,
  providerOfService,
  providers,
  serviceOfRef,
} from "./provider/registry.ts";
import { type CloudCaller, type EngineClient, routeClients } from "./provider/route.ts";
import { http1Fetch, type SendOnceFn } from "./tencent/http1.ts";
import type { Credential } from "./tencent/signer.ts";
import { createRateLimiter, type RateLimiter } from "./engine/rate_limiter.ts";
import { FileJournalStore } from "./journal/file_store.ts";
import type { JournalStore } from "./journal/store.ts";

/** A ready connection. */
export interface Connection {
  /** Tencent Cloud calls, and `huaweicloud/…` ones when Huawei credentials are known. */
  client: CallPort;
  /** Paces calls per (service, action, region, credential). */
  rateLimiter: RateLimiter;
  /** The deps calls go through (`fetch` is the emulator's with `--emulator`). */
  deps: Deps;
  /** Region from `--region`, `TENCENTCLOUD_REGION` or the TCCLI profile. */
  region?: string;
  /** Values that must never be printed: secret keys and session tokens. */
  secrets: string[];
  /** Where the credentials came from (`--emulator`, `environment` …). */
  source: string;
  /** The in-process emulator calls go to, with `emulator`. */
  emulator?: InProcessEmulator;
  /** Releases the connection's resources. */
  close(): void;
}

/** An emulator that answers requests in-process (`createEmulator()` of `tcflow/emulator`). */
export interface InProcessEmulator {
  /** Answers one request, like `fetch`. */
  handle(request: Request): Promise<Response>;
}

/** Options of {@link connect}: where to send calls, with which credentials. */
export interface ConnectOptions {
  /** Time, randomness, sleeping and `fetch` (a test's in-process handler carries every call). */
  deps: Deps;
  /** Reads an environment variable (credentials, `TCFLOW_ENDPOINT_URL`, the region, `HOME`). */
  env: (name: string) => string | undefined;
  /** Reads a text file (profiles); default `Deno.readTextFile`. */
  readFile?: ((path: string) => Promise<string>) | undefined;
  /** `true`: a new in-process emulator with its demo credentials; or the emulator to talk to. */
  emulator?: boolean | InProcessEmulator | undefined;
  /** Tencent Cloud's key pair, given directly: no credential source is read for it. */
  credential?: Credential | undefined;
  /** The language of API messages (`X-TC-Language`, e.g. `en-US`). */
  language?: string | undefined;
  /**
   * With `emulator: true`: the file the in-process emulator's state is loaded from and saved to
   * after every change (so one command's resources are there for the next); default: none,
   * the state lives as long as the connection.
   */
  emulatorStateFile?: string | undefined;
  /** Every request goes to this URL (an emulator server, a proxy); else `TCFLOW_ENDPOINT_URL`. */
  endpointUrl?: string | undefined;
  /** `<service>.<region>.tencentcloudapi.com` endpoints. */
  regionalEndpoints?: boolean | undefined;
  /** Multiplies every rate limit (the client's and an in-process emulator's). Default 1. */
  rateScale?: number | undefined;
  /** The region (`--region`); else the environment's or the profile's. */
  region?: string | undefined;
  /** The TCCLI profile to read credentials from. */
  profile?: string | undefined;
  /** Only reads will be sent (every call may go through the pooled `fetch`). */
  readOnly?: boolean | undefined;
  /**
   * The providers the workflow calls, by name (default: the default cloud only; see
   * {@link cloudsOf}). Missing credentials of a cloud that is needed are a `ConfigError`; the
   * credentials of other clouds are not read (the default cloud's region still is).
   */
  clouds?: ReadonlySet<ProviderName> | undefined;
  /** How errors name the options (the CLI names its flags); default {@link OPTION_NAMES}. */
  optionNames?: OptionNames | undefined;
}

/** The names bad-input errors give the options of {@link connect}. */
export interface OptionNames {
  /** The name of {@link ConnectOptions.region}. */
  region: string;
  /** The name of {@link ConnectOptions.endpointUrl}. */
  endpointUrl: string;
  /** The name of {@link ConnectOptions.rateScale}. */
  rateScale: string;
}

/** The library's names: the option names of {@link ConnectOptions}. */
export const OPTION_NAMES: OptionNames = {
  region: "region",
  endpointUrl: "endpointUrl (or TCFLOW_ENDPOINT_URL)",
  rateScale: "rateScale",
};

/**
 * Checks the target before anything is read or sent.
 *
 * @throws {UsageError} a region that is not a region name, an endpoint URL that is not an
 *   http(s) URL, a rate scale that is not a number > 0; the message names the option
 */
export function checkTarget(
  target: { region?: string | undefined; endpointUrl?: string | undefined; rateScale?: number },
  names: OptionNames = OPTION_NAMES,
): void {
  if (target.region !== undefined) checkRegion(target.region, names.region);
  if (target.endpointUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(target.endpointUrl);
    } catch {
      throw new UsageError(
        `${names.endpointUrl}: not a URL: ${JSON.stringify(target.endpointUrl)}`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(
        `${names.endpointUrl} must be http:// or https://, got ${url.protocol}`,
      );
    }
  }
  const scale = target.rateScale;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) {
    throw new UsageError(`${names.rateScale} must be a number > 0, got ${scale}`);
  }
}

/**
 * Checks a region name (`ap-guangzhou`, `cn-north-4`).
 *
 * @throws {UsageError} naming `name` when it is not one
 */
export function checkRegion(region: string, name = OPTION_NAMES.region): void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new UsageError(
      `${name} must be a region name like ap-guangzhou, got ${JSON.stringify(region)}`,
    );
  }
}

/**
 * Builds the client of a run: for each provider of the registry that the workflow uses, its
 * credentials (`Provider.loadCredentials`, or the emulator's demo credentials) and its client
 * (`Provider.createCaller`), routed by service.
 *
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad region, endpoint URL or rate scale (see {@link checkTarget})
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const clouds = options.clouds ?? new Set([DEFAULT_PROVIDER]);
  const rateScale = options.rateScale ?? 1;
  const regionFlag = options.region;
  const endpointUrl = options.endpointUrl ?? nonEmpty(options.env("TCFLOW_ENDPOINT_URL"));
  checkTarget({ region: regionFlag, endpointUrl, rateScale }, options.optionNames);
  const regionalEndpoints = options.regionalEndpoints ?? false;
  const emulated = options.emulator !== undefined && options.emulator !== false;
  const base = options.deps;

  let deps = base;
  let region = regionFlag;
  let sendOnce: SendOnceFn | undefined;
  let emulator: InProcessEmulator | undefined;
  if (emulated) {
    const emulatorOptions = {
      now: () => base.now(),
      sleep: (ms: number) => base.sleep(ms),
      rateScale,
    };
    const handler: InProcessEmulator = typeof options.emulator === "object"
      ? options.emulator
      : options.emulatorStateFile === undefined
      ? (await import("./emulator/emulator.ts")).createEmulator(emulatorOptions)
      : await persistentEmulator(options.emulatorStateFile, emulatorOptions);
    emulator = handler;
    deps = { ...base, fetch: (request) => handler.handle(request) };
    region = regionFlag ?? nonEmpty(options.env("TENCENTCLOUD_REGION"));
  } else if (!options.readOnly && deps.fetch === systemFetch) {
    // Non-idempotent calls are sent exactly once by our own HTTP/1.1 client: Deno's fetch
    // re-sends a request on its own when the connection closes before the answer, even a POST
    // that the server has applied (see TencentClientOptions.sendOnce). Only over the real
    // network: a `fetch` given by a test (an in-process handler) carries every call.
    sendOnce = http1Fetch;
  }
  const sources: CredentialSources = {
    region: regionFlag,
    profile: options.profile,
    env: options.env,
    readFile: options.readFile ?? ((path) => Deno.readTextFile(path)),
    homeDir: nonEmpty(options.env("HOME")) ?? nonEmpty(options.env("USERPROFILE")),
  };

  const secrets: string[] = [];
  const found: string[] = [];
  const callers: Record<string, CloudCaller> = {};
  let defaultCaller: Pick<EngineClient, "call" | "secretId"> | undefined;
  for (const provider of providers()) {
    const isDefault = provider.name === DEFAULT_PROVIDER;
    const needed = clouds.has(provider.name);
    // The default cloud's sources also give the region, so they are read even when unused.
    if (!needed && !isDefault) continue;
    const given = isDefault && options.credential !== undefined
      ? givenCredential(options.credential)
      : undefined;
    const load = given ??
      (emulated ? emulatorCredentials(provider.name) : provider.loadCredentials);
    if (load === undefined || provider.createCaller === undefined) continue;
    let loaded: LoadedCredentials<unknown>;
    try {
      loaded = await load.call(provider, sources);
    } catch (error) {
      // A workflow that calls only other clouds needs no credentials of the default one.
      if (!(error instanceof ConfigError) || needed) throw error;
      defaultCaller = { secretId: "", call: () => Promise.reject(error) };
      continue;
    }
    secrets.push(...loaded.secrets);
    if (emulated && !needed && !isDefault) continue;
    found.push(loaded.source);
    if (isDefault && !emulated && given === undefined) region = loaded.region;
    const caller = provider.createCaller({
      deps,
      credential: loaded.credential,
      region: emulated ? region : regionFlag,
      endpointUrl,
      regionalEndpoints,
      sendOnce,
      language: options.language,
    });
    if (isDefault) defaultCaller = { secretId: caller.keyId, call: caller.call };
    else callers[provider.name] = caller;
  }
  if (emulated) {
    // The demo secrets of every cloud are redacted, whichever clouds the workflow calls.
    for (const provider of providers()) {
      if (clouds.has(provider.name) || provider.name === DEFAULT_PROVIDER) continue;
      const demo = await emulatorCredentials(provider.name)?.();
      if (demo !== undefined) secrets.push(...demo.secrets);
    }
  }
  return {
    client: routeClients({
      tencent: defaultCaller ?? { secretId: "", call: () => Promise.reject(missing()) },
      byProvider: callers,
    }),
    rateLimiter: createRateLimiter({ deps, scale: rateScale }),
    deps,
    ...(region !== undefined ? { region } : {}),
    secrets,
    source: emulated && options.credential === undefined
      ? "--emulator (demo credential)"
      : found.join("; "),
    ...(emulator !== undefined ? { emulator } : {}),
    close: () => {},
  };
}

/**
 * The demo credentials the in-process emulator (`--emulator`) accepts for a cloud, if it
 * emulates that cloud. The emulator is loaded only here, where the program is wired together.
 */
function emulatorCredentials(
  cloud: ProviderName,
): (() => Promise<LoadedCredentials<unknown>>) | undefined {
  if (cloud === "tencentcloud") {
    return async () => {
      const { DEMO_CREDENTIAL } = await import("./emulator/emulator.ts");
      const credential = {
        secretId: DEMO_CREDENTIAL.secretId,
        secretKey: DEMO_CREDENTIAL.secretKey,
      };
      return {
        credential,
        source: "--emulator (demo credential)",
        secrets: [credential.secretKey],
      };
    };
  }
  if (cloud === "huaweicloud") {
    return async () => {
      const { HUAWEI_DEMO_CREDENTIAL } = await import("./emulator/huawei_cph.ts");
      return {
        credential: { ...HUAWEI_DEMO_CREDENTIAL },
        source: "Huawei Cloud: --emulator (demo credential)",
        secrets: [HUAWEI_DEMO_CREDENTIAL.sk],
      };
    };
  }
  return undefined;
}

/** A Tencent Cloud key pair given by the caller, as loaded credentials. */
function givenCredential(credential: Credential): () => Promise<LoadedCredentials<unknown>> {
  return () =>
    Promise.resolve({
      credential,
      source: "the given credential",
      secrets: [
        credential.secretKey,
        ...(credential.token !== undefined ? [credential.token] : []),
      ],
    });
}

/** The error of a call of the default cloud when no provider of it can load credentials. */
function missing(): ConfigError {
  const provider = providerByName(DEFAULT_PROVIDER);
  return new ConfigError(
    `no ${DEFAULT_PROVIDER} credentials${provider ? `: ${provider.credentialsHint}` : ""}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * The providers a workflow calls (its steps and their `undo` blocks), by name
 * (`tencentcloud`, `huaweicloud` …): the provider of each action's service in the registry.
 */
export function cloudsOf(wf: Workflow): Set<ProviderName> {
  const clouds = new Set<ProviderName>();
  for (const step of wf.steps) {
    if (step.kind !== "action") continue;
    for (const call of [step, step.undo]) {
      if (call === undefined) continue;
      const provider = providerOfService(serviceOfRef(call.action));
      clouds.add(provider?.name ?? call.action.provider);
    }
  }
  return clouds;
}

/** Where runs are journaled (PRODUCT.md section 14). */
export interface StoreOptions {
  /** The file store's directory (`--state-dir`, default `.tcflow`). */
  stateDir: string;
  /** A `postgres://` URL (`--store`, `TCFLOW_STORE`): the database store instead. */
  storeUrl?: string | undefined;
  /** Opens the file store's files (a test's opener that fails like a full disk). */
  openFile?: Deps["openFile"];
  /** The database store's lease on a run, seconds. */
  leaseS?: number;
  /** Who holds that lease. */
  owner?: string;
}

/**
 * Opens the journal store: the file store of `stateDir`, or PostgreSQL at `storeUrl` (loaded
 * only then).
 */
export async function openStore(options: StoreOptions): Promise<JournalStore> {
  if (options.storeUrl === undefined) {
    const open = options.openFile;
    return new FileJournalStore(options.stateDir, open === undefined ? {} : { open });
  }
  const { PgJournalStore } = await import("./journal/pg_store.ts");
  const { leaseS, owner } = options;
  return await PgJournalStore.connect(options.storeUrl, {
    ...(leaseS !== undefined ? { leaseS } : {}),
    ...(owner !== undefined ? { owner } : {}),
  });
}

/**
 * The rate limiter of calls journaled in `store`: on a database store the buckets are the
 * database's, shared with every worker and command on it (PRODUCT.md section 14); else the
 * connection's own.
 */
export async function storeRateLimiter(
  store: JournalStore,
  connection: Pick<Connection, "rateLimiter" | "deps">,
  scale: number,
): Promise<RateLimiter> {
  if (store instanceof FileJournalStore) return connection.rateLimiter;
  const { PgJournalStore } = await import("./journal/pg_store.ts");
  if (!(store instanceof PgJournalStore)) return connection.rateLimiter;
  const { createPgRateLimiter } = await import("./cluster/pg_rate_limiter.ts");
  return createPgRateLimiter({ sql: store.sql, deps: connection.deps, scale });
}

/** The in-process emulator kept in `file`. @throws {ConfigError} an unreadable state file */
async function persistentEmulator(
  file: string,
  options: { now: () => number; sleep: (ms: number) => Promise<void>; rateScale: number },
) {
  const { openPersistentEmulator } = await import("./emulator/persist.ts");
  try {
    return openPersistentEmulator(file, options);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
