/**
 * Building the cloud connection of a command from its flags: `--emulator` (an in-process
 * emulator with its demo credentials), or real credentials (PRODUCT.md sections 7 and 11) with
 * `--endpoint-url` / `TCFLOW_ENDPOINT_URL` and `--regional-endpoints`. Shared by `run`,
 * `resume`, `rollback` and `plan --live-reads`.
 *
 * @module
 */
import { type Deps, systemFetch } from "../deps.ts";
import type { Workflow } from "../workflow/model.ts";
import type { CredentialSources, LoadedCredentials, ProviderName } from "../protocol/provider.ts";
import {
  DEFAULT_PROVIDER,
  providerByName,
  providerOfService,
  providers,
  serviceOfRef,
} from "../provider/registry.ts";
import { type CloudCaller, type EngineClient, routeClients } from "../provider/route.ts";
import { http1Fetch, type SendOnceFn } from "../tencent/http1.ts";
import { createRateLimiter, type RateLimiter } from "../engine/rate_limiter.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, ConfigError, EXIT, UsageError } from "./context.ts";

/** Flags of the connection (add them to a command's flag specs). */
export const CONNECT_FLAGS = {
  emulator: { type: "boolean" },
  "endpoint-url": { type: "string" },
  "regional-endpoints": { type: "boolean" },
  "rate-scale": { type: "string" },
} as const;

/** A ready connection. */
export interface Connection {
  /** Tencent Cloud calls, and `huaweicloud/…` ones when Huawei credentials are known. */
  client: EngineClient;
  rateLimiter: RateLimiter;
  /** The deps calls go through (`fetch` is the emulator's with `--emulator`). */
  deps: Deps;
  /** Region from `--region`, `TENCENTCLOUD_REGION` or the TCCLI profile. */
  region?: string;
  /** Values that must never be printed: secret keys and session tokens. */
  secrets: string[];
  /** Where the credentials came from (`--emulator`, `environment` …). */
  source: string;
  /** Releases the connection's resources. */
  close(): void;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Only reads will be sent (every call may go through the pooled `fetch`). */
  readOnly?: boolean;
  /**
   * The providers the workflow calls, by name (default: the default cloud only; see
   * {@link cloudsOf}). Missing credentials of a cloud that is needed are a `ConfigError`; the
   * credentials of other clouds are not read (the default cloud's region still is).
   */
  clouds?: ReadonlySet<ProviderName>;
}

/**
 * Builds the client of a command: for each provider of the registry that the workflow uses, its
 * credentials (`Provider.loadCredentials`, or the emulator's demo credentials with `--emulator`)
 * and its client (`Provider.createCaller`), routed by service.
 *
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad `--rate-scale` or `--endpoint-url`
 */
export async function connect(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: ConnectOptions = {},
): Promise<Connection> {
  const clouds = options.clouds ?? new Set([DEFAULT_PROVIDER]);
  const rateScale = parseRateScale(stringFlag(parsed, "rate-scale"));
  const regionFlag = stringFlag(parsed, "region");
  if (regionFlag !== undefined && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(regionFlag)) {
    throw new UsageError(
      `--region must be a region name like ap-guangzhou, got ${JSON.stringify(regionFlag)}`,
    );
  }
  const endpointUrl = stringFlag(parsed, "endpoint-url") ??
    nonEmpty(ctx.env("TCFLOW_ENDPOINT_URL"));
  if (endpointUrl !== undefined) checkUrl(endpointUrl);
  const regionalEndpoints = boolFlag(parsed, "regional-endpoints");
  const emulated = boolFlag(parsed, "emulator");

  let deps = ctx.deps;
  let region = regionFlag;
  let sendOnce: SendOnceFn | undefined;
  if (emulated) {
    const { createEmulator } = await import("../emulator/emulator.ts");
    const emulator = createEmulator({
      now: () => ctx.deps.now(),
      sleep: (ms) => ctx.deps.sleep(ms),
      rateScale,
    });
    deps = { ...ctx.deps, fetch: (request) => emulator.handle(request) };
    region = regionFlag ?? nonEmpty(ctx.env("TENCENTCLOUD_REGION"));
  } else if (!options.readOnly && deps.fetch === systemFetch) {
    // Non-idempotent calls are sent exactly once by our own HTTP/1.1 client: Deno's fetch
    // re-sends a request on its own when the connection closes before the answer, even a POST
    // that the server has applied (see TencentClientOptions.sendOnce). Only over the real
    // network: a `fetch` given by a test (an in-process handler) carries every call.
    sendOnce = http1Fetch;
  }
  const sources: CredentialSources = {
    region: regionFlag,
    profile: stringFlag(parsed, "profile"),
    env: ctx.env,
    readFile: (path) => Deno.readTextFile(path),
    homeDir: nonEmpty(ctx.env("HOME")) ?? nonEmpty(ctx.env("USERPROFILE")),
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
    const load = emulated ? emulatorCredentials(provider.name) : provider.loadCredentials;
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
    if (isDefault && !emulated) region = loaded.region;
    const caller = provider.createCaller({
      deps,
      credential: loaded.credential,
      region: emulated ? region : regionFlag,
      endpointUrl,
      regionalEndpoints,
      sendOnce,
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
    source: emulated ? "--emulator (demo credential)" : found.join("; "),
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
      const { DEMO_CREDENTIAL } = await import("../emulator/emulator.ts");
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
      const { HUAWEI_DEMO_CREDENTIAL } = await import("../emulator/huawei_cph.ts");
      return {
        credential: { ...HUAWEI_DEMO_CREDENTIAL },
        source: "Huawei Cloud: --emulator (demo credential)",
        secrets: [HUAWEI_DEMO_CREDENTIAL.sk],
      };
    };
  }
  return undefined;
}

/** The error of a call of the default cloud when no provider of it can load credentials. */
function missing(): ConfigError {
  const provider = providerByName(DEFAULT_PROVIDER);
  return new ConfigError(
    `no ${DEFAULT_PROVIDER} credentials${provider ? `: ${provider.credentialsHint}` : ""}`,
  );
}

function parseRateScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--rate-scale must be a number > 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

function checkUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--endpoint-url: not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--endpoint-url must be http:// or https://, got ${url.protocol}`);
  }
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

/**
 * The exit code of a finished run (or rollback): 0 when it succeeded, 3 when a step failed with
 * a configuration error (`E_CONFIG`: missing credentials, a host Deno's `--allow-net` does not
 * grant), else 1.
 */
export function runExitCode(
  status: "succeeded" | "failed",
  steps: ReadonlyArray<{ status: string; error?: { code: string } | undefined }>,
): number {
  if (status === "succeeded") return EXIT.ok;
  return steps.some((s) => s.status === "failed" && s.error?.code === "E_CONFIG")
    ? EXIT.config
    : EXIT.failed;
}
