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
import type { RunTarget } from "../journal/store.ts";
import { resolvePath } from "./_command.ts";
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
export type ConnectOptions = Pick<LibConnectOptions, "readOnly" | "clouds"> & {
  /**
   * The target a recorded run started with (`resume`, `rollback`, `notebook --run`): used
   * unless the command line names one (`--emulator`, `--endpoint-url`, `--regional-endpoints`;
   * `--profile` alone).
   */
  recorded?: RunTarget | undefined;
};

/** A connection and the target it was made for (what a run records). */
export type TargetedConnection = Connection & { target: RunTarget };

/**
 * Builds the client of a command: for each provider of the registry that the workflow uses, its
 * credentials (`Provider.loadCredentials`, or the emulator's demo credentials with `--emulator`)
 * and its client (`Provider.createCaller`), routed by service. With `--emulator` the emulator's
 * state is kept in `<state dir>/emulator/state.json` between commands.
 *
 * @throws {ConfigError} missing or malformed credentials (exit 3)
 * @throws {UsageError} a bad `--rate-scale` or `--endpoint-url`
 */
export async function connect(
  parsed: ParsedArgs,
  ctx: CliContext,
  options: ConnectOptions = {},
): Promise<TargetedConnection> {
  const rateScale = parseRateScale(stringFlag(parsed, "rate-scale"));
  const region = stringFlag(parsed, "region");
  const target = targetOf(parsed, ctx, options.recorded);
  // Checked before connecting, so that a bad flag is a usage error even before credentials.
  checkTarget({ region, endpointUrl: target.endpointUrl, rateScale }, FLAG_NAMES);
  const connection = await connectTo({
    deps: ctx.deps,
    // The target says where calls go (it read TCFLOW_ENDPOINT_URL when that applies).
    env: (name) => name === "TCFLOW_ENDPOINT_URL" ? undefined : ctx.env(name),
    emulator: target.emulator === true,
    emulatorStateFile: emulatorStateFile(parsed, ctx),
    endpointUrl: target.endpointUrl,
    regionalEndpoints: target.regionalEndpoints === true,
    rateScale,
    region,
    profile: target.profile,
    readOnly: options.readOnly,
    clouds: options.clouds,
    optionNames: FLAG_NAMES,
  });
  return Object.assign(connection, { target });
}

/**
 * The target of a command: its flags (`--emulator`, `--endpoint-url` else env
 * `TCFLOW_ENDPOINT_URL`, `--regional-endpoints`, `--profile`), else what the run recorded.
 * Never credentials: a user and password in the endpoint URL are dropped.
 */
export function targetOf(parsed: ParsedArgs, ctx: CliContext, recorded?: RunTarget): RunTarget {
  const emulator = boolFlag(parsed, "emulator");
  const endpointFlag = stringFlag(parsed, "endpoint-url");
  const regional = boolFlag(parsed, "regional-endpoints");
  const profile = stringFlag(parsed, "profile") ?? recorded?.profile;
  const region = stringFlag(parsed, "region") ?? recorded?.region;
  const named = emulator || endpointFlag !== undefined || regional;
  if (recorded !== undefined && !named) {
    const { profile: _, region: __, ...where } = recorded;
    return {
      ...where,
      ...(profile !== undefined ? { profile } : {}),
      ...(region !== undefined ? { region } : {}),
    };
  }
  const endpointUrl = endpointFlag ?? nonEmpty(ctx.env("TCFLOW_ENDPOINT_URL"));
  return {
    ...(emulator ? { emulator: true as const } : {}),
    ...(endpointUrl !== undefined ? { endpointUrl: withoutUserInfo(endpointUrl) } : {}),
    ...(regional ? { regionalEndpoints: true as const } : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}

/**
 * The flags that name a target, for the hints a command prints (`tcflow resume ID --emulator`):
 * a leading space before each, empty when none.
 */
export function targetFlags(target: RunTarget | undefined, parsed?: ParsedArgs): string {
  const flags: string[] = [];
  if (target?.emulator) flags.push("--emulator");
  if (target?.endpointUrl !== undefined) flags.push(`--endpoint-url ${target.endpointUrl}`);
  if (target?.regionalEndpoints) flags.push("--regional-endpoints");
  if (target?.profile !== undefined) flags.push(`--profile ${target.profile}`);
  const stateDir = parsed === undefined ? undefined : stringFlag(parsed, "state-dir");
  if (stateDir !== undefined) flags.push(`--state-dir ${stateDir}`);
  return flags.map((flag) => ` ${flag}`).join("");
}

/** Where `--emulator` keeps the emulator's state: `<state dir>/emulator/state.json`. */
export function emulatorStateFile(parsed: ParsedArgs, ctx: CliContext): string {
  const dir = resolvePath(ctx.cwd, stringFlag(parsed, "state-dir") ?? ".tcflow");
  return `${dir.replace(/[\\/]+$/, "")}/emulator/state.json`;
}

function withoutUserInfo(text: string): string {
  try {
    const url = new URL(text);
    if (url.username === "" && url.password === "") return text;
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return text; // checkTarget says what is wrong with it
  }
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
  status: "succeeded" | "failed" | "uncertain" | "rolled_back",
  steps: ReadonlyArray<{ status: string; error?: { code: string } | undefined }>,
): number {
  if (status === "succeeded") return EXIT.ok;
  return steps.some((s) => s.status === "failed" && s.error?.code === "E_CONFIG")
    ? EXIT.config
    : EXIT.failed;
}
