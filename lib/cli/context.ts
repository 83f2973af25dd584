/**
 * What every CLI command receives: its output streams, the outside world, the environment.
 * `cli.ts` builds the real one; tests build one that captures output.
 *
 * @module
 */
import type { Deps } from "../deps.ts";

/** Output and input of a command. Human text and progress go to stderr with `--json`. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Lines of standard input (for the notebook when stdin is not a terminal). */
  stdin?: ReadableStream<Uint8Array>;
  /** True when stdin and stdout are a terminal. */
  isTerminal: boolean;
  /**
   * True when stdin and stdout are this process's own terminal, so that the notebook may put
   * a line editor (`node:readline`: history, Ctrl-C) on it.
   */
  processTerminal?: boolean;
}

/** The context a command runs in. */
export interface CliContext {
  io: CliIO;
  deps: Deps;
  /** Reads an environment variable (only the documented ones are read). */
  env(name: string): string | undefined;
  cwd: string;
}

/** A CLI command: parses its own arguments and returns the process exit code. */
export type Command = (args: string[], ctx: CliContext) => Promise<number>;

/** Exit codes of PRODUCT.md section 10. */
export const EXIT = {
  ok: 0,
  /** the run failed: an API error after retries, an assert, an `uncertain` step */
  failed: 1,
  /** the workflow or the command line is invalid */
  invalid: 2,
  /** configuration or credential problem */
  config: 3,
} as const;

export { ConfigError, UsageError } from "../errors.ts";
