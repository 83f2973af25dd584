/**
 * The terminal notebook's line editor: `node:readline` on the process's stdin and stdout, with
 * line editing, a history (arrow keys, in memory: a `set` of a secret input is never written
 * anywhere) and Ctrl-C handed to the notebook instead of ending the process. Loaded only by an
 * interactive notebook.
 *
 * @module
 */
import { createInterface } from "node:readline";
import process from "node:process";
import type { LineEditor } from "../notebook/terminal.ts";

/** A line editor on the process's terminal. */
export function openLineEditor(): LineEditor {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 500,
    removeHistoryDuplicates: true,
  });
  let interrupt: () => void = () => {};
  rl.on("SIGINT", () => interrupt());
  return {
    lines: rl[Symbol.asyncIterator](),
    prompt(text) {
      rl.setPrompt(text);
      rl.prompt();
    },
    onInterrupt(handler) {
      interrupt = handler;
    },
    close() {
      rl.close();
    },
  };
}
