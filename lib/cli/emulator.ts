/**
 * `tcflow emulator`: serves the local Tencent Cloud emulator over HTTP (PRODUCT.md §9).
 *
 * @module
 */
import { parse as parseYaml } from "../vendor/yaml.js";
import { parseJson } from "../json.ts";
import { parseFaultSpec } from "../emulator/faults.ts";
import { type EmulatorServerOptions, serveEmulator } from "../emulator/server.ts";
import { parseDuration } from "../workflow/duration.ts";
import { resetPersistentState } from "../emulator/persist.ts";
import { emulatorStateFile } from "./_connect.ts";
import { boolFlag, listFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, ConfigError, EXIT, UsageError } from "./context.ts";

/** `tcflow emulator --help`. */
export const EMULATOR_USAGE = `Usage: tcflow emulator [--port N] [--host H] [--data file.yaml|json]
                       [--rate-scale X] [--faults SPEC] [--fault-seed N] [--credential ID:KEY]…
                       [--admin-token T] [--idle-timeout DURATION]
       tcflow emulator --reset-state [--state-dir DIR]

Serves the local Tencent Cloud emulator until stopped: every action of the catalog, faithful
(hand-written) for trocket 5.x, API Gateway, SSL and yunjing, generic for the others.
  --port N            port to listen on (default 4566; 0 picks a free port)
  --host H            address to listen on (default 127.0.0.1)
  --data FILE         initial state as YAML or JSON: {trocket: …, apigateway: …} for the
                      seeded services, {cvm: {DescribeInstances: [items…]}} for any other
  --rate-scale X      multiply every documented rate limit by X (default 1)
  --faults SPEC       inject faults, e.g. "rate=0.2;codes=InternalError;cut-after=0.05"
  --fault-seed N      seed of the fault draws (default 0)
  --credential ID:KEY accept this SecretId/SecretKey too (repeatable)
  --admin-token T     admin routes require "Authorization: Bearer T"
  --idle-timeout D    close a connection that sends nothing for D (default 30s; e.g. 500ms, 2m)
  --reset-state       clear the state that --emulator runs keep in the state dir
                      (<state dir>/emulator/state.json), then exit
The demo credential AKIDTCFLOWDEMO0000000000000000000000 / tcflow-demo-secret-key always works.
Admin routes: GET /_emulator/state, POST /_emulator/reset, GET /_emulator/calls,
GET|POST /_emulator/faults. They answer only requests to the listening address (Host) with
"Content-Type: application/json", e.g.
  curl -H 'Content-Type: application/json' http://127.0.0.1:4566/_emulator/state
`;

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  data: { type: "string" },
  "rate-scale": { type: "string" },
  faults: { type: "string" },
  "fault-seed": { type: "string" },
  credential: { type: "string", multiple: true },
  "admin-token": { type: "string" },
  "idle-timeout": { type: "string" },
  "reset-state": { type: "boolean" },
  "state-dir": { type: "string" },
} as const;

/** `--reset-state`: the state file to delete. */
interface Reset {
  reset: string;
}

/** Reads and parses the command line into server options. Throws {@link UsageError}. */
export async function emulatorOptions(
  args: string[],
  ctx: CliContext,
): Promise<EmulatorServerOptions & { port: number; hostname: string } | "help" | Reset> {
  const parsed = parseCommandArgs("emulator", args, FLAGS);
  if (parsed.flags.help === true) return "help";
  if (parsed.positionals.length > 0) {
    throw new UsageError(`emulator: unexpected argument "${parsed.positionals[0]}"`);
  }
  if (boolFlag(parsed, "reset-state")) {
    const alone = ["reset-state", "state-dir", "quiet", "no-color"];
    const other = Object.keys(parsed.flags).find((name) =>
      !alone.includes(name) && parsed.flags[name] !== undefined
    );
    if (other !== undefined) {
      throw new UsageError(`emulator: --reset-state goes alone (with --state-dir), not --${other}`);
    }
    return { reset: emulatorStateFile(parsed, ctx) };
  }

  const portText = stringFlag(parsed, "port") ?? "4566";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new UsageError(`emulator: --port must be 0 to 65535: got "${portText}"`);
  }
  const hostname = stringFlag(parsed, "host") ?? "127.0.0.1";
  if (hostname === "") throw new UsageError("emulator: --host must not be empty");
  const options: EmulatorServerOptions & { port: number; hostname: string } = { port, hostname };
  const adminToken = stringFlag(parsed, "admin-token");
  if (adminToken !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(adminToken)) {
      throw new UsageError(
        "emulator: --admin-token must be printable ASCII without spaces (it is sent as a bearer token)",
      );
    }
    options.adminToken = adminToken;
  }
  const idleText = stringFlag(parsed, "idle-timeout");
  if (idleText !== undefined) {
    const idleMs = parseDuration(idleText);
    if (idleMs === undefined || idleMs < 1) {
      throw new UsageError(
        `emulator: --idle-timeout must be a duration such as 30s, 500ms or 2m: got "${idleText}"`,
      );
    }
    options.idleTimeoutMs = idleMs;
  }

  const scaleText = stringFlag(parsed, "rate-scale");
  if (scaleText !== undefined) {
    const scale = Number(scaleText);
    if (scaleText.trim() === "" || !(scale > 0)) {
      throw new UsageError(`emulator: --rate-scale must be a number above 0: got "${scaleText}"`);
    }
    options.rateScale = scale;
  }
  const faults = stringFlag(parsed, "faults");
  if (faults !== undefined) {
    try {
      parseFaultSpec(faults);
    } catch (error) {
      throw new UsageError(`emulator: --faults: ${(error as Error).message}`);
    }
    options.faults = faults;
  }
  const seedText = stringFlag(parsed, "fault-seed");
  if (seedText !== undefined) {
    if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff) {
      throw new UsageError(`emulator: --fault-seed must be a whole number: got "${seedText}"`);
    }
    options.faultSeed = Number(seedText);
  }
  const credentials = listFlag(parsed, "credential").map((text) => {
    const colon = text.indexOf(":");
    if (colon <= 0 || colon === text.length - 1) {
      throw new UsageError("emulator: --credential must be SECRET_ID:SECRET_KEY");
    }
    return { secretId: text.slice(0, colon), secretKey: text.slice(colon + 1) };
  });
  if (credentials.length > 0) options.credentials = credentials;
  const dataPath = stringFlag(parsed, "data");
  if (dataPath !== undefined) options.data = await readData(dataPath, ctx);
  return options;
}

async function readData(path: string, ctx: CliContext): Promise<unknown> {
  const full = path.startsWith("/") ? path : `${ctx.cwd}/${path}`;
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (error) {
    throw new UsageError(`emulator: cannot read --data ${path}: ${(error as Error).message}`);
  }
  try {
    return /\.json$/i.test(path)
      ? parseJson(text, "auto")
      : parseYaml(text, { intAsBigInt: false });
  } catch (error) {
    throw new UsageError(`emulator: --data ${path} is not valid: ${(error as Error).message}`);
  }
}

/** Runs the emulator until `signal` aborts (the CLI runs until the process is stopped). */
export async function runEmulator(
  args: string[],
  ctx: CliContext,
  signal?: AbortSignal,
): Promise<number> {
  const options = await emulatorOptions(args, ctx);
  if (options === "help") {
    ctx.io.stdout(EMULATOR_USAGE);
    return EXIT.ok;
  }
  if ("reset" in options) {
    const removed = resetPersistentState(options.reset);
    ctx.io.stderr(
      removed
        ? `cleared the emulator state ${options.reset}\n`
        : `no emulator state to clear (${options.reset} does not exist)\n`,
    );
    return EXIT.ok;
  }
  let server;
  try {
    server = await serveEmulator(signal ? { ...options, signal } : options);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`emulator: ${error.message}`);
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `emulator: ${options.hostname}:${options.port} is already in use; choose another --port (0 picks a free one)`,
      );
    }
    throw new ConfigError(
      `emulator: cannot listen on ${options.hostname}:${options.port}: ${(error as Error).message}`,
    );
  }
  ctx.io.stdout(`tcflow emulator listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    if (signal === undefined) return; // serve until the process is stopped
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.ok;
}

/** `tcflow emulator [--port N] …`. */
export const emulatorCommand: Command = (args, ctx) => runEmulator(args, ctx);
