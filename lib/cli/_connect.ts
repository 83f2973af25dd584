/**
 * The cloud connection of a command from its flags (`lib/connect.ts` does the wiring): `--emulator` (an in-process
 * emulator with its demo credentials), or real credentials (PRODUCT.md sections 7 and 11) with
 * `--endpoint-url` / `TCFLOW_ENDPOINT_URL` and `--regional-endpoints`. Shared by `run`,
 * `resume`, `rollback` and `plan --live-reads`.
 *
 * @module
 */
import {
  checkTarget,
  cloudsOf,
  connect as connectTo,
  type Connection,
  type ConnectOptions as LibConnectOptions,
} from "../connect.ts";
import { boolFlag, type ParsedArgs, stringFlag } from "./args.ts";
import { type CliContext, EXIT, UsageError } from "./context.ts";

export { cloudsOf };
/** Flags of the connection (add them to a command's flag specs). */
export const CONNECT_FLAGS = {
  emulator: { type: "boolean" },
  "endpoint-url": { type: "string" },
  "regional-endpoints": { type: "boolean" },
  "rate-scale": { type: "string" },
} as const;

export type { Connection };

/** Options of {@link connect} besides the flags. */
export type ConnectOptions = Pick<LibConnectOptions, "readOnly" | "clouds">;

/**
 * Builds the client of a command: for each provider of the registry that the workflow uses, its
 * credentials (`Provider.loadCredentials`, or the emulator's demo credentials with `--emulator`)
 * and its client (`Provider.createCaller`), routed by service.
 *
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad `--rate-scale` or `--endpoint-url`
 */
export function connect(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: ConnectOptions = {},
): Promise<Connection> {
  const rateScale = parseRateScale(stringFlag(parsed, "rate-scale"));
  const region = stringFlag(parsed, "region");
  const endpointUrl = stringFlag(parsed, "endpoint-url") ??
    nonEmpty(ctx.env("TCFLOW_ENDPOINT_URL"));
  // Checked before connecting, so that a bad flag is a usage error even before credentials.
  checkTarget({ region, endpointUrl, rateScale }, FLAG_NAMES);
  return connectTo({
    deps: ctx.deps,
    env: ctx.env,
    emulator: boolFlag(parsed, "emulator"),
    endpointUrl,
    regionalEndpoints: boolFlag(parsed, "regional-endpoints"),
    rateScale,
    region,
    profile: stringFlag(parsed, "profile"),
    readOnly: options.readOnly,
    clouds: options.clouds,
    optionNames: FLAG_NAMES,
  });
}

/** Bad flags are named as flags. */
const FLAG_NAMES = {
  region: "--region",
  endpointUrl: "--endpoint-url",
  rateScale: "--rate-scale",
} as const;

function parseRateScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--rate-scale must be a number > 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * The exit code of a finished run (or rollback): 0 when it succeeded, 3 when a step failed with
 * a configuration error (`E_CONFIG`: missing credentials, a host Deno's `--allow-net` does not
 * grant), else 1.
 */
export function runExitCode(
  status: "succeeded" | "failed" | "rolled_back",
  steps: ReadonlyArray<{ status: string; error?: { code: string } | undefined }>,
): number {
  if (status === "succeeded") return EXIT.ok;
  return steps.some((s) => s.status === "failed" && s.error?.code === "E_CONFIG")
    ? EXIT.config
    : EXIT.failed;
}
