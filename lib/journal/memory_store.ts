/**
 * A journal store in memory: for tests, notebooks and scripts that want the journal's
 * behaviour (ids, writer lock, exact integers, replayable events) without files. Events are
 * kept as their journal lines, so what is read back is exactly what a file store would give.
 * It is also the smallest example of a second backend of {@link JournalStore}.
 *
 * @module
 */
import type { RunEvent, RunSink } from "./events.ts";
import { decodeMeta, encodeEvent, encodeMeta, parseJournal } from "./codec.ts";
import { summarize } from "./file_store.ts";
import { isRunId } from "./run_id.ts";
import {
  JournalError,
  journalSink,
  type JournalStore,
  type RunMeta,
  type RunRecord,
  type RunSummary,
} from "./store.ts";

interface Entry {
  meta: string;
  lines: string[];
  open: boolean;
}

/** Runs kept in memory by one store object (the writer lock is per object and run). */
export class MemoryJournalStore implements JournalStore {
  readonly #runs = new Map<string, Entry>();
  readonly location = "memory";

  create(meta: RunMeta): Promise<void> {
    try {
      checkId(meta.runId);
      if (this.#runs.has(meta.runId)) {
        throw new JournalError("E_RUN_EXISTS", meta.runId, `run ${meta.runId} already exists`);
      }
      this.#runs.set(meta.runId, { meta: encodeMeta(meta), lines: [], open: true });
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  open(runId: string): Promise<void> {
    try {
      const entry = this.#entry(runId);
      if (entry.open) {
        throw new JournalError(
          "E_RUN_LOCKED",
          runId,
          `run ${runId} is being written by another writer`,
        );
      }
      entry.open = true;
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  append(runId: string, event: RunEvent): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry === undefined || !entry.open) {
      return Promise.reject(
        new JournalError("E_RUN_NOT_OPEN", runId, `run ${runId} is not open for writing`),
      );
    }
    entry.lines.push(encodeEvent(event));
    return Promise.resolve();
  }

  close(runId: string): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry !== undefined) entry.open = false;
    return Promise.resolve();
  }

  read(runId: string): Promise<RunRecord> {
    try {
      const entry = this.#entry(runId);
      const meta = decodeMeta(entry.meta);
      const lines = new TextEncoder().encode(entry.lines.join(""));
      const { events, ignoredLines } = parseJournal(lines, 1); // plain lines, nothing to tear
      return Promise.resolve({
        meta,
        events,
        ignoredLines,
        locked: entry.open,
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async list(): Promise<RunSummary[]> {
    const summaries: RunSummary[] = [];
    for (const runId of this.#runs.keys()) summaries.push(summarize(await this.read(runId)));
    return summaries.sort((a, b) => a.startedMs - b.startedMs || a.runId.localeCompare(b.runId));
  }

  /** A {@link RunSink} appending to a run this store created or opened. */
  sink(
    runId: string,
    options: { secrets?: Iterable<string>; names?: Iterable<string> } = {},
  ): RunSink {
    return journalSink(this, runId, options);
  }

  #entry(runId: string): Entry {
    checkId(runId);
    const entry = this.#runs.get(runId);
    if (entry === undefined) throw new JournalError("E_RUN_NOT_FOUND", runId, `no run ${runId}`);
    return entry;
  }
}

function checkId(runId: string): void {
  if (!isRunId(runId)) {
    throw new JournalError("E_RUN_ID", runId, `not a valid run id: ${JSON.stringify(runId)}`);
  }
}
