/**
 * The journal-corruption trials (`deno task proof:journal`, and a few in the normal suite):
 * real runs of a workflow against the in-process emulator, journaled to files by the real
 * store, then damaged the ways disks and people damage files — a torn last record after a
 * crash, a random truncation, a flipped byte, a line of garbage, a record dropped or copied, a
 * damaged or missing `meta.json`. After each, `tcflow runs --json` and `tcflow resume` run
 * in-process and are held to PRODUCT.md section 13:
 *
 * - `runs` never fails, and lists every run (a good run beside the damaged one stays good);
 * - the damaged run's status is the one the oracle expects: `damaged` when a record other than
 *   a torn last one does not check, else the status of the records that are there;
 * - `resume` of a damaged run exits 2 and sends nothing; `resume` after a crash (the journal
 *   torn where the process died) never applies a create twice.
 *
 * The oracle is independent of the reader: it knows where the damage was put.
 *
 * @module
 */
import type { RunEvent } from "../lib/journal/events.ts";
import { hasStackTrace } from "./_cli.ts";
import { applied, cli, type Fixture, fixture, journaledRun } from "./_journal_fixture.ts";
import { createRng, type Rng } from "./_random.ts";

/** The workflow of every trial: creates without ClientToken, a foreach, a read, a set. */
export const CORRUPTION_WORKFLOW = `
tcflow: 1
name: corruption
region: ap-guangzhou
steps:
  - id: first
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: first }
  - id: more
    action: apigateway.CreateUsagePlan
    foreach: \${{ ["m0", "m1", "m2"] }}
    concurrency: 1
    with: { UsagePlanName: "\${{ item }}" }
  - id: list
    action: apigateway.DescribeUsagePlansStatus
  - id: summary
    set:
      count: \${{ steps.list.outputs.Result.TotalCount }}
outputs:
  count: \${{ steps.summary.outputs.count }}
`;

/** Usage plans a clean run creates. */
const PLANS = 4;

/** The kinds of damage. */
export const KINDS = [
  "torn-crash",
  "truncate",
  "flip",
  "garbage",
  "drop-record",
  "copy-record",
  "meta-flip",
  "meta-missing",
] as const;
export type Kind = typeof KINDS[number];

/** What one trial came to. */
export interface TrialResult {
  kind: Kind;
  /** What the oracle expected and what `runs` said. */
  expected: string;
  listed: string;
  /** Problems found (empty when the trial held). */
  problems: string[];
  /** Create calls `resume` applied again (a duplicate in the cloud). */
  resent: number;
}

/** Totals of a set of trials. */
export interface CorruptionFigures {
  trials: number;
  byKind: Record<string, number>;
  damaged: number;
  interrupted: number;
  runsFailed: number;
  wrongStatus: number;
  resumed: number;
  resent: number;
  problems: number;
}

/** Runs `trials` seeded trials; `log` gets one line per trial. */
export async function corruptionTrials(o: {
  trials: number;
  seed: number;
  log?: (line: string) => void;
}): Promise<{ figures: CorruptionFigures; failures: TrialResult[] }> {
  const rng = createRng(o.seed);
  const clean = await cleanRun();
  const figures: CorruptionFigures = {
    trials: 0,
    byKind: {},
    damaged: 0,
    interrupted: 0,
    runsFailed: 0,
    wrongStatus: 0,
    resumed: 0,
    resent: 0,
    problems: 0,
  };
  const failures: TrialResult[] = [];
  try {
    for (let i = 0; i < o.trials; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const result = await trial(kind, rng, clean, i);
      figures.trials++;
      figures.byKind[kind] = (figures.byKind[kind] ?? 0) + 1;
      if (result.listed === "damaged") figures.damaged++;
      if (result.listed === "interrupted") figures.interrupted++;
      if (result.problems.some((p) => p.startsWith("runs"))) figures.runsFailed++;
      if (result.expected !== result.listed) figures.wrongStatus++;
      figures.resent += result.resent;
      if (result.kind === "torn-crash" || result.listed === "damaged") figures.resumed++;
      if (result.problems.length > 0) {
        figures.problems++;
        failures.push(result);
      }
      o.log?.(
        `${String(i + 1).padStart(4)} ${kind.padEnd(12)} expected ${result.expected.padEnd(11)} ` +
          `listed ${result.listed.padEnd(11)} ${
            result.problems.length === 0 ? "ok" : result.problems.join("; ")
          }`,
      );
    }
  } finally {
    await Deno.remove(clean.fx.dir, { recursive: true }).catch(() => {});
  }
  return { figures, failures };
}

/** A clean, finished run: its journal is copied and damaged by most trials. */
async function cleanRun(): Promise<{ fx: Fixture; events: number }> {
  const fx = await fixture();
  for (const runId of [GOOD, VICTIM]) {
    const result = await journaledRun(fx, CORRUPTION_WORKFLOW, { runId });
    if (result === "crashed" || result.status !== "succeeded") {
      throw new Error(`the clean run did not succeed: ${JSON.stringify(result)}`);
    }
  }
  const events = (await fx.store.read(VICTIM)).events.length;
  return { fx, events };
}

/** The good run listed beside the damaged one, and the clean run that copies are damaged of. */
const GOOD = "0-good";
const VICTIM = "victim";

async function trial(
  kind: Kind,
  rng: Rng,
  clean: { fx: Fixture; events: number },
  n: number,
): Promise<TrialResult> {
  const fx = await fixture();
  try {
    // A good run beside the damaged one: one damaged run must not hide or change the others.
    await copyRun(clean.fx, fx, GOOD);
    let runId = VICTIM;
    let expected: string;
    if (kind === "torn-crash") {
      runId = `t${n}`;
      expected = await crashAndTear(fx, runId, rng, clean.events);
    } else {
      await copyRun(clean.fx, fx, VICTIM);
      expected = await damage(kind, fx, runId, rng);
    }
    return await check(kind, fx, runId, expected);
  } finally {
    await Deno.remove(fx.dir, { recursive: true }).catch(() => {});
  }
}

/**
 * A crash: the run dies before writing event k+1 (what it sent until then is applied), and the
 * write it was doing is torn: a prefix of that record ends the file without its newline.
 */
async function crashAndTear(fx: Fixture, runId: string, rng: Rng, total: number): Promise<string> {
  const k = rng.int(1, total - 1);
  let seen = 0;
  let next: RunEvent | undefined;
  const result = await journaledRun(fx, CORRUPTION_WORKFLOW, {
    runId,
    crash: {
      before: (event) => {
        if (++seen <= k) return false;
        next = event;
        return true;
      },
    },
  });
  if (result !== "crashed" || next === undefined) {
    throw new Error(`trial run did not crash at ${k}`);
  }
  // The torn write: the first bytes of the record that was being written (a copy of the last
  // good line stands in for its bytes; a torn record is never read, whatever it holds).
  const path = eventsPath(fx, runId);
  const bytes = await Deno.readFile(path);
  const lines = splitLines(bytes);
  const model = lines.at(-1) ?? new TextEncoder().encode('{"n":10,"crc32":"00000000","e":{}}');
  const torn = model.subarray(0, rng.int(1, model.length)); // up to the whole record, no newline
  await Deno.writeFile(path, concat([bytes, torn]));
  return "interrupted";
}

/** Damages a copy of the clean run; returns the status the oracle expects. */
async function damage(kind: Kind, fx: Fixture, runId: string, rng: Rng): Promise<string> {
  const path = eventsPath(fx, runId);
  const bytes = await Deno.readFile(path);
  const lines = splitLines(bytes);
  switch (kind) {
    case "truncate": {
      // Cut anywhere before the end: the cut record is a torn last record, the rest is read.
      await Deno.writeFile(path, bytes.subarray(0, rng.int(0, bytes.length - 1)));
      return "interrupted";
    }
    case "flip": {
      const at = rng.int(0, bytes.length - 1);
      bytes[at] = bytes[at]! ^ rng.int(1, 255);
      await Deno.writeFile(path, bytes);
      // The final newline flipped: the last record reads as torn; anything else is damage.
      return at === bytes.length - 1 ? "interrupted" : "damaged";
    }
    case "garbage": {
      const garbage = rng.chance(0.5) ? randomBytes(rng, rng.int(1, 80)) : new TextEncoder().encode(
        '{"type":"step-skipped","timeMs":1,"stepId":"first","reason":"when"}', // a valid event, unframed
      );
      const at = rng.int(0, lines.length);
      lines.splice(at, 0, garbage);
      await Deno.writeFile(path, joinLines(lines));
      return "damaged";
    }
    case "drop-record": {
      const at = rng.int(0, lines.length - 2); // not the last: that would be a clean truncation
      lines.splice(at, 1);
      await Deno.writeFile(path, joinLines(lines));
      return "damaged";
    }
    case "copy-record": {
      const from = rng.int(0, lines.length - 1);
      const to = rng.int(0, lines.length);
      lines.splice(to, 0, lines[from]!);
      await Deno.writeFile(path, joinLines(lines));
      return "damaged";
    }
    case "meta-flip": {
      const metaPath = `${fx.store.runDir(runId)}/meta.json`;
      const meta = await Deno.readFile(metaPath);
      const at = rng.int(0, meta.length - 1);
      meta[at] = meta[at]! ^ rng.int(1, 255);
      await Deno.writeFile(metaPath, meta);
      return "damaged";
    }
    case "meta-missing": {
      const dir = fx.store.runDir(runId);
      // As an older tcflow killed between writing meta.json.tmp and the rename left it.
      if (rng.chance(0.5)) await Deno.rename(`${dir}/meta.json`, `${dir}/meta.json.tmp`);
      else await Deno.remove(`${dir}/meta.json`);
      return "damaged";
    }
    case "torn-crash":
      throw new Error("not a copy");
  }
}

/** Runs `runs --json` and `resume`, and holds them to the oracle. */
async function check(
  kind: Kind,
  fx: Fixture,
  runId: string,
  expected: string,
): Promise<TrialResult> {
  const problems: string[] = [];
  const result: TrialResult = { kind, expected, listed: "?", problems, resent: 0 };
  const listed = await cli(fx, ["runs", "--json"]);
  if (listed.code !== 0 || hasStackTrace(listed.stderr)) {
    problems.push(`runs failed (exit ${listed.code}): ${listed.stderr.trim().slice(0, 200)}`);
    return result;
  }
  const runs = JSON.parse(listed.stdout).runs as { run_id: string; status: string }[];
  result.listed = runs.find((r) => r.run_id === runId)?.status ?? "(missing)";
  if (result.listed !== expected) problems.push(`status ${result.listed}, expected ${expected}`);
  if (runs.find((r) => r.run_id === GOOD)?.status !== "succeeded") {
    problems.push("runs: the good run beside it is not listed as succeeded");
  }

  const callsBefore = fx.emulator.calls().length;
  if (result.listed === "damaged") {
    const resumed = await cli(fx, ["resume", runId, "--quiet"]);
    if (resumed.code !== 2) problems.push(`resume of a damaged run exited ${resumed.code}`);
    if (!/damaged/.test(resumed.stderr)) problems.push("resume did not say the run is damaged");
    if (fx.emulator.calls().length !== callsBefore) problems.push("resume of a damaged run sent");
  } else if (kind === "torn-crash") {
    const resumed = await cli(fx, ["resume", runId, "--quiet"]);
    if (resumed.code !== 0 && resumed.code !== 1) {
      problems.push(`resume exited ${resumed.code}: ${resumed.stderr.trim().slice(0, 200)}`);
    }
    if (hasStackTrace(resumed.stderr) || /internal error/.test(resumed.stderr)) {
      problems.push(`resume: ${resumed.stderr.trim().slice(0, 200)}`);
    }
    const creates = applied(fx, "CreateUsagePlan").length;
    result.resent = Math.max(0, creates - PLANS);
    if (creates > PLANS) problems.push(`${creates - PLANS} usage plan(s) created twice`);
  }
  return result;
}

/** Copies a run's directory as it is (same id) from one state dir to another. */
async function copyRun(from: Fixture, to: Fixture, runId: string): Promise<void> {
  const source = from.store.runDir(runId);
  const target = to.store.runDir(runId);
  await Deno.mkdir(target, { recursive: true });
  for (const name of ["meta.json", "events.jsonl"]) {
    await Deno.copyFile(`${source}/${name}`, `${target}/${name}`);
  }
}

function eventsPath(fx: Fixture, runId: string): string {
  return `${fx.store.runDir(runId)}/events.jsonl`;
}

/** The lines of a journal, without their newlines (bytes after the last one are dropped). */
function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

function joinLines(lines: Uint8Array[]): Uint8Array {
  return concat(lines.flatMap((line) => [line, new Uint8Array([0x0a])]));
}

/** Random bytes without a newline. */
function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => {
    const b = rng.int(0, 254);
    return b >= 0x0a ? b + 1 : b;
  });
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

/** The figures as a table for the README. */
export function corruptionTable(f: CorruptionFigures): string {
  const rows = [
    ["journals", "damaged", "interrupted", "runs failed", "wrong status", "resumed", "re-sent"],
    [f.trials, f.damaged, f.interrupted, f.runsFailed, f.wrongStatus, f.resumed, f.resent].map(
      String,
    ),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const kinds = Object.entries(f.byKind).map(([k, n]) => `${k} ${n}`).join(", ");
  return rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join("  ")).join("\n") +
    `\nby kind: ${kinds}`;
}
