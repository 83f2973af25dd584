/**
 * An in-process emulator whose state outlives the process: loaded from a file when it starts,
 * written back after every call that changed it (PRODUCT.md section 16: one `--emulator`
 * command's resources are there for the next; `tcflow emulator --reset-state` deletes the file).
 *
 * The file is `{format: 1, nextSeed, state}`, written whole (a temporary file renamed over it)
 * with mode 0600 in a directory of mode 0700: the state can hold secrets the emulator handed
 * out (API keys). Each process draws its ids from a new seed, so ids never repeat across
 * commands. Two processes on one file at the same time: the last write wins.
 *
 * @example
 * ```ts
 * import { openPersistentEmulator } from "./persist.ts";
 * const dir = Deno.makeTempDirSync();
 * const emulator = openPersistentEmulator(`${dir}/emulator/state.json`);
 * console.log(Object.keys(emulator.state()).includes("trocket")); // true
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { parseJson, stringifyJson } from "../json.ts";
import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.ts";

/** Version of the state file. */
const FORMAT = 1;

/** The saved state file's contents. */
interface SavedState {
  format: number;
  nextSeed: number;
  state: Record<string, unknown>;
}

/**
 * An emulator backed by `file` (created on the first change).
 *
 * @throws {Error} a state file that is not one (the message names it and how to clear it)
 */
export function openPersistentEmulator(
  file: string,
  options: Omit<EmulatorOptions, "data" | "seed"> = {},
): Emulator {
  const saved = readSaved(file);
  const seed = saved?.nextSeed ?? 1;
  const emulator = createEmulator({
    ...options,
    seed,
    ...(saved !== undefined ? { data: saved.state } : {}),
  });
  let last = stringifyJson(emulator.state());
  const save = () => {
    const text = stringifyJson(emulator.state());
    if (text === last) return;
    last = text;
    try {
      writeSaved(file, `{"format":${FORMAT},"nextSeed":${seed + 1},"state":${text}}\n`);
    } catch {
      // An unwritable state dir: the run's journal says so (exit 3 naming the path); the
      // emulator answers on, its state then lives as long as the process.
    }
  };
  return {
    ...emulator,
    async handle(request) {
      try {
        return await emulator.handle(request);
      } finally {
        save();
      }
    },
  };
}

/** Deletes the state file; returns whether there was one. */
export function resetPersistentState(file: string): boolean {
  try {
    Deno.removeSync(file);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function readSaved(file: string): SavedState | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    // None yet, or a state dir that cannot be read (the journal names it): a fresh emulator.
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
  const bad = (why: string) =>
    new Error(
      `${file}: ${why}; \`tcflow emulator --reset-state\` clears the emulator's saved state`,
    );
  let value: unknown;
  try {
    value = parseJson(text, "auto");
  } catch (error) {
    throw bad(`not JSON (${(error as Error).message})`);
  }
  const saved = value as Partial<SavedState> | null;
  if (
    saved === null || typeof saved !== "object" || saved.format !== FORMAT ||
    typeof saved.nextSeed !== "number" || saved.state === null ||
    typeof saved.state !== "object"
  ) {
    throw bad("not an emulator state file of format 1");
  }
  return saved as SavedState;
}

function writeSaved(file: string, text: string): void {
  const dir = file.replace(/[\\/][^\\/]*$/, "") || ".";
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (Deno.build.os !== "windows") Deno.chmodSync(dir, 0o700);
  const temp = `${file}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(temp, text, { mode: 0o600 });
  if (Deno.build.os !== "windows") Deno.chmodSync(temp, 0o600);
  Deno.renameSync(temp, file);
}
