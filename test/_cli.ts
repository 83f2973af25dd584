/**
 * Test helpers: run the tcflow CLI in-process (the real command code, output captured) or as a
 * subprocess (the real `cli.ts` with the task's permissions, to check exit codes and that no
 * stack trace is printed).
 *
 * @module
 */
import { main } from "../lib/cli/main.ts";
import type { CliContext } from "../lib/cli/context.ts";
import { type Deps, systemDeps } from "../lib/deps.ts";

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repository root. */
export const ROOT = new URL("../", import.meta.url).pathname;

/** Runs `tcflow args…` in-process with captured output (as if to a terminal with `isTerminal`). */
export async function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    deps?: Partial<Deps>;
    cwd?: string;
    isTerminal?: boolean;
  } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      isTerminal: options.isTerminal ?? false,
    },
    deps: { ...systemDeps(), ...options.deps },
    env: (name) => options.env?.[name],
    cwd: options.cwd ?? ROOT,
  };
  const code = await main(args, ctx);
  return { code, stdout, stderr };
}

/**
 * The flags of the `tcflow` task in `deno.json` (kept equal to it by
 * `test/permissions_test.ts`): network only to Tencent Cloud, Huawei Cloud and loopback hosts,
 * only the documented environment variables (any other reads as unset), V8's linear-time
 * RegExp engine (the `l` flag) for the expressions' `matches`, and a young generation of 16 MB
 * from the start (a short command such as `validate` spends no time in scavenges), and every
 * function compiled with its module (`--no-lazy`), so that Deno's V8 code cache holds them all
 * and a command compiles none of its functions again on their first call: together about 25 ms
 * of `tcflow validate`'s ~140 (`deno task bench architecture`). A cache written under other
 * flags (`deno test` importing the same modules) is rewritten once by the next command.
 */
export const TASK_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-net=*.tencentcloudapi.com,*.myhuaweicloud.com,127.0.0.1,localhost,0.0.0.0,[::1]",
  "--allow-env=TENCENTCLOUD_*,HUAWEICLOUD_SDK_*,TCCLI_PROFILE,TCFLOW_*,HOME,USERPROFILE,NO_COLOR,INIT_CWD",
  "--ignore-env",
  "--v8-flags=--enable-experimental-regexp-engine,--min-semi-space-size=16,--no-lazy",
];

/** Runs `deno run <permissions of the tcflow task> cli.ts args…` as a subprocess. */
export async function runCliProcess(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...TASK_PERMISSIONS,
      `${ROOT}cli.ts`,
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** True when the text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .*(file:|ext:|node:)/.test(text) || /error: Uncaught/.test(text);
}
