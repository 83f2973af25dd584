/**
 * The command dispatcher: picks the command, loads it lazily (so `tcflow validate` does not
 * load the engine or the emulator), and turns user errors into exit codes without stack traces.
 *
 * @module
 */
import { suggest } from "../catalog/suggest.ts";
import type { JournalError, JournalErrorCode } from "../journal/store.ts";
import { type CliContext, type Command, ConfigError, EXIT, UsageError } from "./context.ts";

type Loader = () => Promise<Command>;

/**
 * Imports a command's module when the command runs. The specifier is computed on purpose: Deno
 * reads and hashes, before the program starts, every module that a literal `import("./x.ts")`
 * names, and every module those import, so literal loaders made each command (`validate` too)
 * read the ~180 modules of all the others and of the emulator at start-up. A computed specifier
 * is loaded only when called (with `--allow-read`, which every command has). The type argument
 * keeps the loaders type-checked; `deno run` does not follow type-only imports.
 */
function load<Module>(file: string): Promise<Module> {
  return import(new URL(file, import.meta.url).href);
}

/** Every command of PRODUCT.md section 10, loaded on demand. */
const COMMANDS: Record<string, { summary: string; load: Loader }> = {
  validate: {
    summary: "type-check workflows against the action catalog",
    load: async () => (await load<typeof import("./validate.ts")>("./validate.ts")).validateCommand,
  },
  plan: {
    summary: "dry run: the exact requests a run would send",
    load: async () => (await load<typeof import("./plan.ts")>("./plan.ts")).planCommand,
  },
  run: {
    summary: "execute a workflow",
    load: async () => (await load<typeof import("./run.ts")>("./run.ts")).runCommand,
  },
  resume: {
    summary: "continue a failed or interrupted run",
    load: async () => (await load<typeof import("./resume.ts")>("./resume.ts")).resumeCommand,
  },
  rollback: {
    summary: "run the undo blocks of a run's succeeded steps, in reverse order",
    load: async () => (await load<typeof import("./rollback.ts")>("./rollback.ts")).rollbackCommand,
  },
  runs: {
    summary: "list the runs in the state directory",
    load: async () => (await load<typeof import("./runs.ts")>("./runs.ts")).runsCommand,
  },
  report: {
    summary: "render a run as Markdown or HTML",
    load: async () => (await load<typeof import("./report.ts")>("./report.ts")).reportCommand,
  },
  notebook: {
    summary: "interactive mode: the workflow as cells, one step at a time",
    load: async () => (await load<typeof import("./notebook.ts")>("./notebook.ts")).notebookCommand,
  },
  ipynb: {
    summary: "write a Jupyter notebook (Deno kernel) of a workflow",
    load: async () => (await load<typeof import("./ipynb.ts")>("./ipynb.ts")).ipynbCommand,
  },
  submit: {
    summary: "queue a run for the workers (--store postgres://…)",
    load: async () => (await load<typeof import("./submit.ts")>("./submit.ts")).submitCommand,
  },
  worker: {
    summary: "run queued runs from the database, with other workers",
    load: async () => (await load<typeof import("./worker.ts")>("./worker.ts")).workerCommand,
  },
  schedule: {
    summary: "run workflows with a schedule: on their cron (UTC or timezone:), on_failure hooks",
    load: async () => (await load<typeof import("./schedule.ts")>("./schedule.ts")).scheduleCommand,
  },
  call: {
    summary: "make one typed API call (as TCCLI does): tcflow call trocket.DescribeTopicList …",
    load: async () => (await load<typeof import("./call.ts")>("./call.ts")).callCommand,
  },
  actions: {
    summary: "browse the action catalog",
    load: async () => (await load<typeof import("./actions.ts")>("./actions.ts")).actionsCommand,
  },
  schema: {
    summary: "print the JSON Schema of workflow files",
    load: async () => (await load<typeof import("./schema.ts")>("./schema.ts")).schemaCommand,
  },
  emulator: {
    summary: "serve the local Tencent Cloud emulator",
    load: async () => (await load<typeof import("./emulator.ts")>("./emulator.ts")).emulatorCommand,
  },
};

/** Text of `tcflow --help`. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) =>
    `  ${name.padEnd(width)}  ${summary}`
  );
  return [
    "tcflow: typed Tencent Cloud workflows",
    "",
    "Usage: tcflow <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Common flags: --input name=value, --inputs file, --region, --profile, --state-dir,",
    "              --store postgres://…, --json, --quiet, --no-color",
    "Exit codes: 0 success, 1 run failed, 2 invalid workflow or command line,",
    "            3 configuration or credential problem.",
    "",
  ].join("\n");
}

/** Runs the command line `args` and returns the exit code. Never throws. */
export async function main(args: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    ctx.io.stdout(usage());
    return name === undefined ? EXIT.invalid : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    const hint = suggest(name, Object.keys(COMMANDS));
    ctx.io.stderr(
      `tcflow: unknown command "${name}"${hint ? `; did you mean "${hint}"?` : ""}\n` +
        `Run "tcflow --help" for the list of commands.\n`,
    );
    return EXIT.invalid;
  }
  try {
    const command = await entry.load();
    return await command(rest, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof UsageError) {
    ctx.io.stderr(`tcflow: ${error.message}\n`);
    return EXIT.invalid;
  }
  if (error instanceof ConfigError) {
    ctx.io.stderr(`tcflow: ${error.message}\n`);
    return EXIT.config;
  }
  if (isJournalError(error, "E_STORE")) {
    // A database store that cannot be used (unreachable, refused login, newer schema).
    ctx.io.stderr(`tcflow: ${error.message}\n`);
    return EXIT.config;
  }
  if (isJournalError(error, "E_STORAGE")) {
    // A full disk, an unwritable state dir: the message names the path.
    ctx.io.stderr(`tcflow: ${error.message}\n`);
    return EXIT.config;
  }
  if (isJournalError(error, "E_RUN_DAMAGED")) {
    ctx.io.stderr(`tcflow: ${error.message}; nothing was sent\n`);
    return EXIT.invalid;
  }
  // An unexpected failure is a bug of tcflow, not of the user: say so, without a stack trace
  // unless TCFLOW_DEBUG asks for it.
  const message = error instanceof Error ? error.message : String(error);
  ctx.io.stderr(`tcflow: internal error: ${message}\n`);
  if (ctx.env("TCFLOW_DEBUG") && error instanceof Error && error.stack) {
    ctx.io.stderr(`${error.stack}\n`);
  }
  return EXIT.failed;
}

/**
 * Whether `error` is a journal error with this code (told by name, so that commands that never
 * touch a journal do not load the journal's modules).
 */
function isJournalError(error: unknown, code: JournalErrorCode): error is JournalError {
  return error instanceof Error && error.name === "JournalError" &&
    (error as { code?: unknown }).code === code;
}
