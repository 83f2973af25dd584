/**
 * The default journal store: files under the state dir (`.tcflow` or `--state-dir`).
 *
 * ```
 * <stateDir>/runs/<run-id>/meta.json     RunMeta, written once, with its length and checksum
 * <stateDir>/runs/<run-id>/events.jsonl  one self-checking record per line, appended
 * <stateDir>/runs/<run-id>/lock          the writer lock (an OS file lock, freed when the process dies)
 * ```
 *
 * A run directory appears whole: it is built as `runs/.new-<run-id>-<random>/` (meta, events,
 * lock, all synced) and renamed into place, so a kill during `create` leaves no run at all (a
 * hidden temp directory nobody lists), never a run without its meta. Files are created `0600`,
 * directories `0700`.
 *
 * Durability: an append resolves only after its line is written with one `write` and the file
 * is `fdatasync`ed; appends that arrive while a write is under way are written together (one
 * write of whole lines, one sync). A crash in the middle of a write leaves a torn last record
 * without its newline: readers ignore it, and the next writer (`open`) cuts it off. Any other
 * record that does not check (`record.ts`) makes the run `damaged`: listed with the reason,
 * refused by `read`/`open`.
 *
 * A write that fails (a full disk, an unwritable state dir) is a `JournalError` `E_STORAGE`
 * naming the path.
 *
 * @module
 */
import type { RunEvent, RunSink } from "./events.ts";
import { decodeMeta, encodeJournalLine, encodeMeta, parseJournal } from "./codec.ts";
import { activeDurationMs, replay, stepCounts } from "./replay.ts";
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

/** Mode of every file the store creates: the journal is for its owner only. */
export const FILE_MODE = 0o600;
/** Mode of every directory the store creates. */
export const DIR_MODE = 0o700;

/** How the store opens files for writing (`Deno.open`; a test may inject faults). */
export type OpenFile = (path: string, options: Deno.OpenOptions) => Promise<Deno.FsFile>;

/** Options of {@link FileJournalStore}. */
export interface FileStoreOptions {
  /** Opens files for writing; `Deno.open` by default. */
  open?: OpenFile;
}

interface Pending {
  bytes: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

interface Writer {
  /** The journal format of the run (a resumed format 1 run keeps writing format 1). */
  format: number;
  /** Path of `events.jsonl`, for messages. */
  path: string;
  /** The chained checksum of the last record appended (format 2). */
  chain: number;
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
  /** Same as {@link runsDir}. */
  readonly location: string;
  readonly #writers = new Map<string, Writer>();
  readonly #open: OpenFile;

  /** @param stateDir the state directory; runs go to `<stateDir>/runs/<run-id>/`. */
  constructor(stateDir: string, options: FileStoreOptions = {}) {
    this.stateDir = stateDir.replace(/\/+$/, "") || "/";
    this.runsDir = `${this.stateDir}/runs`;
    this.#open = options.open ?? ((path, o) => Deno.open(path, o));
    this.location = this.runsDir;
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
    const runId = meta.runId;
    await storage(runId, this.runsDir, () => mkdirs(this.runsDir));
    if (await exists(dir)) throw existsError(runId);
    const temp = `${this.runsDir}/.new-${runId}-${crypto.randomUUID().slice(0, 8)}`;
    await storage(runId, temp, () => Deno.mkdir(temp, { mode: DIR_MODE }));
    let lock: Deno.FsFile | undefined;
    let events: Deno.FsFile | undefined;
    try {
      lock = await this.#lock(runId, temp);
      await storage(runId, `${temp}/meta.json`, async () => {
        const file = await this.#open(`${temp}/meta.json`, {
          write: true,
          createNew: true,
          mode: FILE_MODE,
        });
        try {
          await writeAll(file, encoder.encode(encodeMeta(meta)));
          await file.syncData();
        } finally {
          file.close();
        }
      });
      const path = `${temp}/events.jsonl`;
      events = await storage(
        runId,
        path,
        () => this.#open(path, { create: true, append: true, mode: FILE_MODE }),
      );
      await syncDir(temp);
      try {
        await Deno.rename(temp, dir);
      } catch (error) {
        if (await exists(`${dir}/meta.json`)) throw existsError(runId);
        throw storageError(runId, dir, error);
      }
      await syncDir(this.runsDir);
      this.#writers.set(runId, {
        format: meta.format,
        path: `${dir}/events.jsonl`,
        chain: 0,
        lock,
        events,
        pending: [],
      });
    } catch (error) {
      events?.close();
      lock?.close();
      await Deno.remove(temp, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  async open(runId: string): Promise<void> {
    const dir = this.runDir(runId);
    const meta = await this.#readMeta(runId, dir);
    if (this.#writers.has(runId)) throw lockedError(runId);
    const lock = await this.#lock(runId, dir);
    try {
      const path = `${dir}/events.jsonl`;
      const { damaged, chain } = parseJournal(await readBytes(path), meta.format);
      if (damaged !== undefined) throw damagedError(runId, damaged);
      await storage(runId, path, () => cutTornLine(path));
      const events = await storage(
        runId,
        path,
        () => this.#open(path, { create: true, append: true, mode: FILE_MODE }),
      );
      this.#writers.set(runId, { format: meta.format, path, chain, lock, events, pending: [] });
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
    if (writer.broken !== undefined) {
      return Promise.reject(brokenError(runId, writer.path, writer.broken));
    }
    // Encoded now, in call order, so that each record's checksum continues the one before.
    const { line, chain } = encodeJournalLine(event, writer.format, writer.chain);
    writer.chain = chain;
    const bytes = encoder.encode(line);
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
    const parsed = parseJournal(await readBytes(`${dir}/events.jsonl`), meta.format);
    if (parsed.damaged !== undefined) throw damagedError(runId, parsed.damaged);
    const { events, ignoredLines } = parsed;
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
      try {
        summaries.push(summarize(await this.read(id)));
      } catch (error) {
        if (error instanceof JournalError && error.code === "E_RUN_NOT_FOUND") continue; // removed meanwhile
        // One unreadable run never hides the others: it is listed as damaged, with why.
        const reason = error instanceof JournalError && error.code === "E_RUN_DAMAGED"
          ? error.reason
          : error instanceof Error
          ? error.message
          : String(error);
        summaries.push(damagedSummary(id, reason, await this.#metaOrUndefined(id)));
      }
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
  sink(
    runId: string,
    options: { secrets?: Iterable<string>; names?: Iterable<string> } = {},
  ): RunSink {
    return journalSink(this, runId, options);
  }

  async #readMeta(runId: string, dir: string): Promise<RunMeta> {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(`${dir}/meta.json`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw damagedError(runId, `meta.json cannot be read: ${messageOf(error)}`);
      }
      if (!(await exists(dir))) {
        throw new JournalError("E_RUN_NOT_FOUND", runId, `no run ${runId} in ${this.runsDir}`);
      }
      throw damagedError(runId, "meta.json is missing");
    }
    let meta: RunMeta;
    try {
      meta = decodeMeta(bytes);
    } catch (error) {
      throw damagedError(runId, messageOf(error), error);
    }
    if (meta.runId !== runId) {
      throw damagedError(runId, `meta.json is the meta of run ${meta.runId}`);
    }
    return meta;
  }

  /** The meta of a run, when it can be read (for the summary of a damaged run). */
  async #metaOrUndefined(runId: string): Promise<RunMeta | undefined> {
    try {
      return await this.#readMeta(runId, this.runDir(runId));
    } catch {
      return undefined;
    }
  }

  async #lock(runId: string, dir: string): Promise<Deno.FsFile> {
    const path = `${dir}/lock`;
    const lock = await storage(
      runId,
      path,
      () => this.#open(path, { read: true, write: true, create: true, mode: FILE_MODE }),
    );
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
          if (writer.broken !== undefined) throw writer.broken;
          await writeAll(writer.events, concat(batch.map((p) => p.bytes)));
          await writer.events.syncData();
          for (const p of batch) p.resolve();
        } catch (error) {
          writer.broken ??= error;
          for (const p of batch) p.reject(brokenError(runId, writer.path, writer.broken));
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
    durationMs: activeDurationMs(record.events, meta.startedMs),
    steps: stepCounts(state),
  };
}

/**
 * The summary of a run whose journal cannot be trusted: what its meta says when it can be read,
 * else an empty workflow name and the start time written in the run id (when it has one).
 */
export function damagedSummary(runId: string, reason: string, meta?: RunMeta): RunSummary {
  return {
    runId,
    workflow: meta?.workflow ?? "",
    file: meta?.file ?? "",
    status: "damaged",
    startedMs: meta?.startedMs ?? idTimeMs(runId),
    durationMs: 0,
    steps: {},
    damaged: reason,
  };
}

/** The start time written in a run id (`20261123T104512Z-…`), else 0. */
function idTimeMs(runId: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/.exec(runId);
  if (m === null) return 0;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** The bytes of a file, empty when it does not exist. */
async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Uint8Array();
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Creates a directory and its missing parents, each `0700`. */
async function mkdirs(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs a file system write; a failure becomes `E_STORAGE` naming the path. */
async function storage<T>(runId: string, path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw storageError(runId, path, error);
  }
}

function storageError(runId: string, path: string, cause: unknown): JournalError {
  return new JournalError(
    "E_STORAGE",
    runId,
    `cannot write the journal at ${path}: ${messageOf(cause)}`,
    { cause },
  );
}

function damagedError(runId: string, reason: string, cause?: unknown): JournalError {
  return new JournalError(
    "E_RUN_DAMAGED",
    runId,
    `run ${runId} is damaged: ${reason}`,
    cause === undefined ? { reason } : { reason, cause },
  );
}

function existsError(runId: string): JournalError {
  return new JournalError("E_RUN_EXISTS", runId, `run ${runId} already exists`);
}

function lockedError(runId: string): JournalError {
  return new JournalError(
    "E_RUN_LOCKED",
    runId,
    `run ${runId} is being written by another process (it is running, resuming or rolling back)`,
  );
}

function brokenError(runId: string, path: string, cause: unknown): JournalError {
  return cause instanceof JournalError ? cause : storageError(runId, path, cause);
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
