/**
 * The `tcflow` command line. Thin: builds the real dependencies (clock, randomness, fetch,
 * stdin/stdout, environment) and hands over to `lib/cli/main.ts`.
 *
 * @module
 */
import { systemDeps } from "./lib/deps.ts";
import type { CliContext } from "./lib/cli/context.ts";
import { main } from "./lib/cli/main.ts";

const encoder = new TextEncoder();

function write(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/** Reads an environment variable; a variable outside the granted permission reads as unset. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** The real CLI context of this process. */
export function processContext(): CliContext {
  return {
    io: {
      stdout: (text) => write(Deno.stdout, text),
      stderr: (text) => write(Deno.stderr, text),
      // Read on first use: opening the stream loads Deno's web streams, which validate never needs.
      get stdin() {
        return Deno.stdin.readable;
      },
      isTerminal: Deno.stdin.isTerminal() && Deno.stdout.isTerminal(),
      processTerminal: Deno.stdin.isTerminal() && Deno.stdout.isTerminal(),
    },
    deps: systemDeps(),
    env: readEnv,
    cwd: callerCwd(),
  };
}

/**
 * The directory the user typed the command in: `deno task` (and `npx`) run in the project's
 * directory and say where they were started in `INIT_CWD`, so that relative paths are the
 * user's (PRODUCT.md section 16); else the process's own directory. `INIT_CWD` counts only when
 * the process runs in this project's directory (where a task puts it): a process started
 * elsewhere, e.g. by a script run from a task, keeps its own.
 */
function callerCwd(): string {
  const cwd = Deno.cwd();
  const init = readEnv("INIT_CWD");
  const here = new URL(".", import.meta.url);
  const inProject = here.protocol === "file:" &&
    decodeURIComponent(here.pathname).replace(/\/+$/, "") === cwd.replace(/\/+$/, "");
  if (inProject && init !== undefined && init !== "") {
    try {
      if (Deno.statSync(init).isDirectory) return init;
    } catch {
      // not a directory we can see: the process's own
    }
  }
  return cwd;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, processContext()));
}
