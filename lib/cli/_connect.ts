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
import { createHuaweiClient, type HuaweiClient } from "../huawei/client.ts";
import { resolveHuaweiCredentials } from "../huawei/credentials.ts";
import { type EngineClient, routeClients } from "../provider/route.ts";
import { createTencentClient, type TencentClient } from "../tencent/client.ts";
import { http1Fetch } from "../tencent/http1.ts";
import { resolveCredentials } from "../tencent/credentials.ts";
import { createRateLimiter, type RateLimiter } from "../engine/rate_limiter.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, ConfigError, UsageError } from "./context.ts";

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
   * Which clouds the workflow calls (default: Tencent only). Missing credentials of a cloud
   * that is needed are a `ConfigError`; Huawei credentials are read only when needed.
   */
  clouds?: { tencent: boolean; huawei: boolean };
}

/**
 * Builds the client of a command.
 *
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad `--rate-scale` or `--endpoint-url`
 */
export async function connect(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: ConnectOptions = {},
): Promise<Connection> {
  const clouds = options.clouds ?? { tencent: true, huawei: false };
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

  if (boolFlag(parsed, "emulator")) {
    const { createEmulator, DEMO_CREDENTIAL } = await import("../emulator/emulator.ts");
    const { HUAWEI_DEMO_CREDENTIAL } = await import("../emulator/huawei_cph.ts");
    const emulator = createEmulator({
      now: () => ctx.deps.now(),
      sleep: (ms) => ctx.deps.sleep(ms),
      rateScale,
    });
    const deps: Deps = { ...ctx.deps, fetch: (request) => emulator.handle(request) };
    const credential = { secretId: DEMO_CREDENTIAL.secretId, secretKey: DEMO_CREDENTIAL.secretKey };
    const region = regionFlag ?? nonEmpty(ctx.env("TENCENTCLOUD_REGION"));
    const huawei = clouds.huawei
      ? createHuaweiClient({
        deps,
        credential: { ...HUAWEI_DEMO_CREDENTIAL },
        region: region ?? HUAWEI_DEFAULT_REGION,
        endpointUrl,
      })
      : undefined;
    return {
      client: routeClients({
        tencent: createTencentClient({ deps, credential, regionalEndpoints, endpointUrl }),
        huawei,
      }),
      rateLimiter: createRateLimiter({ deps, scale: rateScale }),
      deps,
      ...(region !== undefined ? { region } : {}),
      secrets: [credential.secretKey, HUAWEI_DEMO_CREDENTIAL.sk],
      source: "--emulator (demo credential)",
      close: () => {},
    };
  }

  const deps = ctx.deps;
  const secrets: string[] = [];
  const sources: string[] = [];
  // Non-idempotent calls are sent exactly once by our own HTTP/1.1 client: Deno's fetch
  // re-sends a request on its own when the connection closes before the answer, even a POST
  // that the server has applied (see TencentClientOptions.sendOnce). Only over the real
  // network: a `fetch` given by a test (an in-process handler) carries every call.
  const sendOnce = options.readOnly || deps.fetch !== systemFetch ? {} : { sendOnce: http1Fetch };

  let tencent: Pick<TencentClient, "call" | "secretId">;
  let region: string | undefined = regionFlag;
  try {
    const resolved = await resolveCredentials({
      flags: { region: regionFlag },
      env: ctx.env,
      readFile: (path) => Deno.readTextFile(path),
      homeDir: nonEmpty(ctx.env("HOME")) ?? nonEmpty(ctx.env("USERPROFILE")),
      profile: stringFlag(parsed, "profile"),
    });
    const { credential } = resolved;
    secrets.push(
      credential.secretKey,
      ...(credential.token !== undefined ? [credential.token] : []),
    );
    sources.push(resolved.source);
    region = resolved.region;
    tencent = createTencentClient({
      deps,
      credential,
      regionalEndpoints,
      endpointUrl,
      ...sendOnce,
    });
  } catch (error) {
    // A workflow that calls only Huawei Cloud needs no Tencent credentials.
    if (!(error instanceof ConfigError) || clouds.tencent) throw error;
    tencent = {
      secretId: "",
      call: () => Promise.reject(error),
    };
  }

  let huawei: HuaweiClient | undefined;
  if (clouds.huawei) {
    const resolved = resolveHuaweiCredentials({ env: ctx.env });
    const { credential } = resolved;
    secrets.push(credential.sk, ...(credential.securityToken ? [credential.securityToken] : []));
    sources.push(`Huawei Cloud: ${resolved.source}`);
    huawei = createHuaweiClient({
      deps,
      credential,
      region: regionFlag ?? HUAWEI_DEFAULT_REGION,
      endpointUrl,
      ...sendOnce,
    });
  }
  return {
    client: routeClients({ tencent, huawei }),
    rateLimiter: createRateLimiter({ deps, scale: rateScale }),
    deps,
    ...(region !== undefined ? { region } : {}),
    secrets,
    source: sources.join("; "),
    close: () => {},
  };
}

/** Region of Huawei calls that name none (Huawei's regions differ from Tencent's). */
const HUAWEI_DEFAULT_REGION = "cn-north-4";

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

/** Which clouds a workflow calls (its steps and their `undo` blocks). */
export function cloudsOf(wf: Workflow): { tencent: boolean; huawei: boolean } {
  const clouds = { tencent: false, huawei: false };
  for (const step of wf.steps) {
    if (step.kind !== "action") continue;
    for (const call of [step, step.undo]) {
      if (call === undefined) continue;
      if (call.action.provider === "huaweicloud") clouds.huawei = true;
      else if (call.action.provider === "tencentcloud") clouds.tencent = true;
    }
  }
  return clouds;
}
