/**
 * The default journal store: files under the state dir (`.tcflow` or `--state-dir`).
 *
 * ```
 * <stateDir>/runs/<run-id>/meta.json     RunMeta, written once (temp file, fsync, rename)
 * <stateDir>/runs/<run-id>/events.jsonl  one event per line, appended
 * <stateDir>/runs/<run-id>/lock          the writer lock (an OS file lock, freed when the process dies)
 * ```
 *
 * Durability: an append resolves only after its line is written with one `write` and the file
 * is `fdatasync`ed; appends that arrive while a write is under way are written together (one
 * write of whole lines, one sync). A crash in the middle of a write leaves a torn last line
 * without its newline: readers ignore it, and the next writer (`open`) cuts it off.
 *
 * @module
 */
import type { RunEvent, RunSink } from "../engine/events.ts";
import { decodeEvent, decodeMeta, encodeEvent, encodeMeta } from "./codec.ts";
import { replay, stepCounts } from "./replay.ts";
import { isRunId } from "./run_id.ts";
import {
  JournalError,
  journalSink,
  type JournalStore,
  type RunMeta,
  type RunRecord,
  type RunSummary,
} from "./store.ts";

const encoder = new TextEncoder();

interface Pending {
  bytes: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

interface Writer {
  lock: Deno.FsFile;
  events: Deno.FsFile;
  pending: Pending[];
  /** The flush under way, if any. */
  flushing?: Promise<void>;
  /** Set when a write failed: the file may end with a torn line, no more appends. */
  broken?: unknown;
}

/** The journal as files under a state directory. */
export class FileJournalStore implements JournalStore {
  /** The state directory (`.tcflow` by default). */
  readonly stateDir: string;
  /** `<stateDir>/runs`. */
  readonly runsDir: string;
  readonly #writers = new Map<string, Writer>();

  /** @param stateDir the state directory; runs go to `<stateDir>/runs/<run-id>/`. */
  constructor(stateDir: string) {
    this.stateDir = stateDir.replace(/\/+$/, "") || "/";
    this.runsDir = `${this.stateDir}/runs`;
  }

  /** The directory of a run. @throws {JournalError} `E_RUN_ID` for an unsafe id */
  runDir(runId: string): string {
    if (!isRunId(runId)) {
      throw new JournalError("E_RUN_ID", runId, `not a valid run id: ${JSON.stringify(runId)}`);
    }
    return `${this.runsDir}/${runId}`;
  }

  async create(meta: RunMeta): Promise<void> {
    const dir = this.runDir(meta.runId);
    await Deno.mkdir(this.runsDir, { recursive: true });
    try {
      await Deno.mkdir(dir);
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) {
        throw new JournalError("E_RUN_EXISTS", meta.runId, `run ${meta.runId} already exists`);
      }
      throw error;
    }
    const lock = await this.#lock(meta.runId, dir);
    try {
      await writeDurably(`${dir}/meta.json`, encodeMeta(meta));
      const events = await Deno.open(`${dir}/events.jsonl`, { create: true, append: true });
      await syncDir(dir);
      await syncDir(this.runsDir);
      this.#writers.set(meta.runId, { lock, events, pending: [] });
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  async open(runId: string): Promise<void> {
    const dir = this.runDir(runId);
    await this.#readMeta(runId, dir);
    if (this.#writers.has(runId)) throw lockedError(runId);
    const lock = await this.#lock(runId, dir);
    try {
      const path = `${dir}/events.jsonl`;
      await cutTornLine(path);
      const events = await Deno.open(path, { create: true, append: true });
      this.#writers.set(runId, { lock, events, pending: [] });
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  append(runId: string, event: RunEvent): Promise<void> {
    const writer = this.#writers.get(runId);
    if (writer === undefined) {
      return Promise.reject(
        new JournalError("E_RUN_NOT_OPEN", runId, `run ${runId} is not open for writing`),
      );
    }
    if (writer.broken !== undefined) return Promise.reject(brokenError(runId, writer.broken));
    const bytes = encoder.encode(encodeEvent(event));
    return new Promise<void>((resolve, reject) => {
      writer.pending.push({ bytes, resolve, reject });
      writer.flushing ??= this.#flush(runId, writer);
    });
  }

  async close(runId: string): Promise<void> {
    const writer = this.#writers.get(runId);
    if (writer === undefined) return;
    while (writer.flushing !== undefined) await writer.flushing;
    this.#writers.delete(runId);
    writer.events.close();
    writer.lock.close(); // closing the file frees the OS lock
  }

  async read(runId: string): Promise<RunRecord> {
    const dir = this.runDir(runId);
    const meta = await this.#readMeta(runId, dir);
    let text = "";
    try {
      text = await Deno.readTextFile(`${dir}/events.jsonl`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const { events, ignoredLines } = parseEvents(text);
    return { meta, events, ignoredLines, locked: await this.isLocked(runId) };
  }

  async list(): Promise<RunSummary[]> {
    const ids: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.runsDir)) {
        if (entry.isDirectory && isRunId(entry.name)) ids.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    const summaries: RunSummary[] = [];
    for (const id of ids) {
      let record: RunRecord;
      try {
        record = await this.read(id);
      } catch (error) {
        if (error instanceof JournalError) continue; // a run being created, or a damaged one
        throw error;
      }
      summaries.push(summarize(record));
    }
    return summaries.sort((a, b) => a.startedMs - b.startedMs || a.runId.localeCompare(b.runId));
  }

  /** Whether a writer (this store or another process) holds the run's lock. */
  async isLocked(runId: string): Promise<boolean> {
    if (this.#writers.has(runId)) return true;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(`${this.runDir(runId)}/lock`, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    try {
      if (!(await file.tryLock(true))) return true;
      await file.unlock();
      return false;
    } finally {
      file.close();
    }
  }

  /** A {@link RunSink} appending to a run this store created or opened. */
  sink(runId: string, options: { secrets?: Iterable<string> } = {}): RunSink {
    return journalSink(this, runId, options);
  }

  async #readMeta(runId: string, dir: string): Promise<RunMeta> {
    let text: string;
    try {
      text = await Deno.readTextFile(`${dir}/meta.json`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new JournalError("E_RUN_NOT_FOUND", runId, `no run ${runId} in ${this.runsDir}`);
      }
      throw error;
    }
    try {
      return decodeMeta(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new JournalError("E_JOURNAL", runId, `run ${runId}: ${message}`, { cause: error });
    }
  }

  async #lock(runId: string, dir: string): Promise<Deno.FsFile> {
    const lock = await Deno.open(`${dir}/lock`, { read: true, write: true, create: true });
    if (!(await lock.tryLock(true))) {
      lock.close();
      throw lockedError(runId);
    }
    return lock;
  }

  async #flush(runId: string, writer: Writer): Promise<void> {
    try {
      while (writer.pending.length > 0) {
        const batch = writer.pending.splice(0);
        try {
          if (writer.broken !== undefined) throw brokenError(runId, writer.broken);
          await writeAll(writer.events, concat(batch.map((p) => p.bytes)));
          await writer.events.syncData();
          for (const p of batch) p.resolve();
        } catch (error) {
          writer.broken ??= error;
          for (const p of batch) p.reject(brokenError(runId, error));
        }
      }
    } finally {
      delete writer.flushing;
    }
  }
}

/** The summary of a run for `tcflow runs`. */
export function summarize(record: RunRecord): RunSummary {
  const { meta } = record;
  const state = replay(record.events, meta);
  const status = state.status === "running"
    ? (record.locked ? "running" : "interrupted")
    : state.status;
  return {
    runId: meta.runId,
    workflow: meta.workflow,
    file: meta.file,
    status,
    startedMs: meta.startedMs,
    durationMs: Math.max(0, state.lastEventMs - meta.startedMs),
    steps: stepCounts(state),
  };
}

/**
 * The events of a journal's text. A last line without its newline (a torn write) is ignored,
 * and so is any line that is not an event.
 */
export function parseEvents(text: string): { events: RunEvent[]; ignoredLines: number } {
  const lines = text.split("\n");
  const torn = lines.pop() ?? "";
  let ignoredLines = torn === "" ? 0 : 1;
  const events: RunEvent[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      events.push(decodeEvent(line));
    } catch {
      ignoredLines++;
    }
  }
  return { events, ignoredLines };
}

function lockedError(runId: string): JournalError {
  return new JournalError(
    "E_RUN_LOCKED",
    runId,
    `run ${runId} is being written by another process (it is running, resuming or rolling back)`,
  );
}

function brokenError(runId: string, cause: unknown): JournalError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new JournalError(
    "E_JOURNAL",
    runId,
    `cannot write the journal of run ${runId}: ${message}`,
    { cause },
  );
}

/** Cuts a torn last line (bytes after the last newline) off a journal file. */
async function cutTornLine(path: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const keep = bytes.lastIndexOf(0x0a) + 1;
  if (keep === bytes.length) return;
  const file = await Deno.open(path, { write: true });
  try {
    await file.truncate(keep);
    await file.syncData();
  } finally {
    file.close();
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Writes a file so that it is either absent or complete after a crash. */
async function writeDurably(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  try {
    await writeAll(file, encoder.encode(text));
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(temp, path);
}

/** Makes a directory's entries durable (where the platform allows syncing a directory). */
async function syncDir(dir: string): Promise<void> {
  try {
    const file = await Deno.open(dir, { read: true });
    try {
      await file.sync();
    } finally {
      file.close();
    }
  } catch {
    // Not supported on every platform (Windows); the files themselves are synced.
  }
}
