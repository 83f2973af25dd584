/**
 * Schedulers on one state dir agree on who runs a fire. Before a fire starts a run, the
 * scheduler claims it from a {@link FireGate}: a claim is refused when another scheduler runs
 * the workflow right now (runs never overlap) or already started that fire (a fire starts
 * once). The claim is held until the run has finished.
 *
 * {@link FileFireGate} keeps one lock file per workflow under `<stateDir>/schedule/`: an OS
 * file lock (`FsFile.lock`, released by the kernel when the process dies, so a killed
 * scheduler never blocks the others) and, inside the file, the last fire that was started.
 * A database store implements the same interface with a row lock.
 *
 * @module
 */

/** A fire that this scheduler may run; `release` once its run has finished. */
export interface FireClaim {
  release(): Promise<void>;
}

/** Why a fire was not claimed. */
export type FireRefusal =
  /** another scheduler is running this workflow now */
  | "running-elsewhere"
  /** another scheduler already started this fire (or a later one) */
  | "fired-elsewhere";

/** What {@link FireGate.claim} answers. */
export type ClaimResult = { claim: FireClaim } | { refused: FireRefusal };

/** Where schedulers claim fires. */
export interface FireGate {
  /**
   * Claims the fire of `workflowFile` due at `scheduledMs` (the start of its minute).
   * Never waits for another scheduler. A gate may answer at once (the file gate does: the
   * claim takes no time of the scheduler's clock) or later (a database).
   */
  claim(workflowFile: string, scheduledMs: number): ClaimResult | Promise<ClaimResult>;
}

import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/** Fire claims as lock files under `<stateDir>/schedule/`, one per workflow file. */
export class FileFireGate implements FireGate {
  /** `<stateDir>/schedule`. */
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = `${stateDir.replace(/\/+$/, "")}/schedule`;
  }

  /** The lock file of a workflow: its base name (for people) and a hash of its full path. */
  lockPath(workflowFile: string): string {
    const hash = createHash("sha256").update(workflowFile).digest("hex").slice(0, 16);
    const base = (workflowFile.split("/").pop() ?? "workflow").replace(/[^A-Za-z0-9._-]/g, "_");
    return `${this.dir}/${base}-${hash}.lock`;
  }

  /**
   * Claims a fire with synchronous file calls (a few small ones: mkdir, open, lock, read,
   * write, sync), so that no other work of the scheduler runs in between.
   *
   * @throws {Error} the state dir cannot be written
   */
  claim(workflowFile: string, scheduledMs: number): ClaimResult {
    Deno.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = Deno.openSync(this.lockPath(workflowFile), {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
    let keep = false;
    try {
      if (!file.tryLockSync(true)) return { refused: "running-elsewhere" };
      const last = lastFiredMs(readAll(file));
      if (last !== undefined && last >= scheduledMs) return { refused: "fired-elsewhere" };
      // Recorded before the run starts: a scheduler that comes after this one, even after a
      // crash of this one, does not start the same fire again.
      const record = JSON.stringify({ file: workflowFile, lastFiredMs: scheduledMs }) + "\n";
      file.truncateSync(0);
      file.seekSync(0, Deno.SeekMode.Start);
      writeAll(file, encoder.encode(record));
      file.syncDataSync();
      keep = true; // the file, and its lock, now belong to the claim
      return {
        claim: {
          release: () => {
            file.close(); // closing the file frees the OS lock
            return Promise.resolve();
          },
        },
      };
    } finally {
      if (!keep) file.close(); // frees the lock when it was taken
    }
  }
}

function lastFiredMs(text: string): number | undefined {
  try {
    const value = JSON.parse(text) as { lastFiredMs?: unknown };
    return typeof value.lastFiredMs === "number" ? value.lastFiredMs : undefined;
  } catch {
    return undefined; // empty (a new workflow) or cut by a crash before any fire was recorded
  }
}

function readAll(file: Deno.FsFile): string {
  file.seekSync(0, Deno.SeekMode.Start);
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(4096);
  while (true) {
    const n = file.readSync(buffer);
    if (n === null || n === 0) break;
    chunks.push(buffer.slice(0, n));
  }
  return new TextDecoder().decode(concat(chunks));
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A `claimFire` for `runSchedule` over a {@link FileFireGate} in `stateDir`: `won` when this
 * scheduler may run the fire, `taken` when another one started it, `busy` while another one
 * runs the workflow.
 */
export function fileFireClaims(
  stateDir: string,
): (
  workflow: { file: string },
  scheduledMs: number,
) => Promise<{ verdict: "won"; finished(): Promise<void> } | { verdict: "taken" | "busy" }> {
  const gate = new FileFireGate(stateDir);
  return (workflow, scheduledMs) => {
    try {
      const result = gate.claim(workflow.file, scheduledMs);
      if ("claim" in result) {
        return Promise.resolve({ verdict: "won", finished: result.claim.release });
      }
      return Promise.resolve({ verdict: result.refused === "fired-elsewhere" ? "taken" : "busy" });
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
