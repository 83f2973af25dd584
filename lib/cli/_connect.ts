/**
 * Building the Tencent Cloud connection of a command from its flags: `--emulator` (an
 * in-process emulator with its demo credential), or real credentials (PRODUCT.md section 7)
 * with `--endpoint-url` / `TCFLOW_ENDPOINT_URL` and `--regional-endpoints`. Shared by `run`
 * and `plan --live-reads`.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import { createTencentClient, type TencentClient } from "../tencent/client.ts";
import { resolveCredentials } from "../tencent/credentials.ts";
import { createRateLimiter, type RateLimiter } from "../engine/rate_limiter.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, UsageError } from "./context.ts";

/** Flags of the connection (add them to a command's flag specs). */
export const CONNECT_FLAGS = {
  emulator: { type: "boolean" },
  "endpoint-url": { type: "string" },
  "regional-endpoints": { type: "boolean" },
  "rate-scale": { type: "string" },
} as const;

/** A ready connection. */
export interface Connection {
  client: TencentClient;
  rateLimiter: RateLimiter;
  /** The deps calls go through (`fetch` is the emulator's with `--emulator`). */
  deps: Deps;
  /** Region from `--region`, `TENCENTCLOUD_REGION` or the TCCLI profile. */
  region?: string;
  /** Values that must never be printed: the secret key and session token. */
  secrets: string[];
  /** Where the credentials came from (`--emulator`, `environment` …). */
  source: string;
  /** Releases the connection's resources. */
  close(): void;
}

/**
 * Builds the client of a command.
 *
 * @param options `readOnly`: only reads will be sent (no fresh-connection client is made)
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad `--rate-scale` or `--endpoint-url`
 */
export async function connect(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: { readOnly?: boolean } = {},
): Promise<Connection> {
  const rateScale = parseRateScale(stringFlag(parsed, "rate-scale"));
  const regionFlag = stringFlag(parsed, "region");
  const endpointUrl = stringFlag(parsed, "endpoint-url") ??
    nonEmpty(ctx.env("TCFLOW_ENDPOINT_URL"));
  if (endpointUrl !== undefined) checkUrl(endpointUrl);
  const regionalEndpoints = boolFlag(parsed, "regional-endpoints");

  if (boolFlag(parsed, "emulator")) {
    const { createEmulator, DEMO_CREDENTIAL } = await import("../emulator/emulator.ts");
    const emulator = createEmulator({
      now: () => ctx.deps.now(),
      sleep: (ms) => ctx.deps.sleep(ms),
      rateScale,
    });
    const deps: Deps = { ...ctx.deps, fetch: (request) => emulator.handle(request) };
    const credential = { secretId: DEMO_CREDENTIAL.secretId, secretKey: DEMO_CREDENTIAL.secretKey };
    const region = regionFlag ?? nonEmpty(ctx.env("TENCENTCLOUD_REGION"));
    return {
      client: createTencentClient({ deps, credential, regionalEndpoints, endpointUrl }),
      rateLimiter: createRateLimiter({ deps, scale: rateScale }),
      deps,
      ...(region !== undefined ? { region } : {}),
      secrets: [credential.secretKey],
      source: "--emulator (demo credential)",
      close: () => {},
    };
  }

  const resolved = await resolveCredentials({
    flags: { region: regionFlag },
    env: ctx.env,
    readFile: (path) => Deno.readTextFile(path),
    homeDir: nonEmpty(ctx.env("HOME")) ?? nonEmpty(ctx.env("USERPROFILE")),
    profile: stringFlag(parsed, "profile"),
  });
  const deps = ctx.deps;
  const { credential } = resolved;
  // Non-idempotent calls go over fresh connections: Deno's fetch re-sends a request on its own
  // when a reused connection closes before the answer (see TencentClientOptions).
  // (A read-only connection never needs one.)
  const unpooledClient = options.readOnly
    ? undefined
    : Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return {
    client: createTencentClient({
      deps,
      credential,
      regionalEndpoints,
      endpointUrl,
      ...(unpooledClient !== undefined ? { unpooledClient } : {}),
    }),
    rateLimiter: createRateLimiter({ deps, scale: rateScale }),
    deps,
    ...(resolved.region !== undefined ? { region: resolved.region } : {}),
    secrets: [credential.secretKey, ...(credential.token !== undefined ? [credential.token] : [])],
    source: resolved.source,
    close: () => unpooledClient?.close(),
  };
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
