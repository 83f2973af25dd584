/**
 * The score of a mutation run: per module and in total, with every survivor at file:line and
 * its change. Survivors judged in the checked-in verdicts file are marked: an `equivalent`
 * mutant (no test could ever tell it apart) leaves the score; an `accepted` one still counts.
 *
 * @module
 */
import type { ModuleOutcome } from "./runner.ts";

/** A checked-in judgement about a survivor. */
export interface Judgement {
  verdict: "equivalent" | "accepted";
  reason: string;
}

/** Module path → mutant id → judgement. */
export type Judgements = Record<string, Record<string, Judgement>>;

/** Counts of one module or of the whole run. */
export interface Score {
  killed: number;
  survived: number;
  equivalent: number;
  /** killed / (killed + survived), in percent; equivalent mutants do not count. */
  percent: number;
}

/** The score of some outcomes. */
export function score(modules: readonly ModuleOutcome[], judgements: Judgements): Score {
  let killed = 0, survived = 0, equivalent = 0;
  for (const m of modules) {
    for (const o of m.outcomes) {
      if (o.verdict !== "survived") killed++;
      else if (judgements[m.module]?.[o.mutant.id]?.verdict === "equivalent") equivalent++;
      else survived++;
    }
  }
  const total = killed + survived;
  return { killed, survived, equivalent, percent: total === 0 ? 100 : (100 * killed) / total };
}

/** The printed report. */
export function formatReport(modules: readonly ModuleOutcome[], judgements: Judgements): string {
  const lines: string[] = [];
  const width = Math.max(...modules.map((m) => m.module.length), 6);
  for (const m of modules) {
    const s = score([m], judgements);
    const note = m.baselineFailed
      ? "  (its tests fail without mutants: not measured)"
      : m.tests.length === 0
      ? "  (no test imports it)"
      : m.failingTests !== undefined
      ? `  (left out, failing without mutants: ${m.failingTests.join(" ")})`
      : "";
    lines.push(
      `${m.module.padEnd(width)}  ${pct(s)}  ${s.killed}/${s.killed + s.survived} killed` +
        (s.equivalent > 0 ? `, ${s.equivalent} equivalent` : "") + note,
    );
  }
  const total = score(modules, judgements);
  lines.push(
    `${"TOTAL".padEnd(width)}  ${pct(total)}  ${total.killed}/${
      total.killed + total.survived
    } killed, ${total.equivalent} equivalent`,
  );
  const survivors = modules.flatMap((m) =>
    m.outcomes.filter((o) => o.verdict === "survived").map((o) => ({ m, o }))
  );
  if (survivors.length > 0) lines.push("", "survivors:");
  for (const { m, o } of survivors) {
    const j = judgements[m.module]?.[o.mutant.id];
    const change = `${show(o.mutant.original)} → ${show(o.mutant.replacement)}`;
    lines.push(
      `  ${m.module}:${o.mutant.line}:${o.mutant.column} ${o.mutant.operator}: ${change}` +
        (j ? `  [${j.verdict}: ${j.reason}]` : "") + `\n    id: ${o.mutant.id}`,
    );
  }
  return lines.join("\n");
}

function pct(s: Score): string {
  return `${s.percent.toFixed(1).padStart(5)}%`;
}

function show(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat === "" ? "(nothing)" : `\`${flat.length > 70 ? flat.slice(0, 67) + "..." : flat}\``;
}
