/**
 * Files a command writes for the user that hold a run's data (reports, notebooks): `0600` like
 * the journal's files. A file already there is made `0600` before it is written over, so its
 * new content is never readable by others, not even until a later chmod.
 *
 * @module
 */
import { FILE_MODE } from "../journal/file_store.ts";

/** Writes `text` to `path`, readable and writable by the owner only. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  if (Deno.build.os !== "windows") {
    try {
      await Deno.chmod(path, FILE_MODE);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  await Deno.writeTextFile(path, text, { mode: FILE_MODE });
}
