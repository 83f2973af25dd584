/**
 * The workflow fuzzer at proof scale: many more mutated sample workflows than CI runs, with
 * figures (valid/invalid cases, codes seen, per-mutation counts, time per case) and every case
 * that breaks the contract (threw, too slow, unknown code, position outside the file).
 *
 * ```
 * deno run --allow-read --allow-env tools/proof_fuzz.ts [iterations=20000] [seed=20261123] [--json]
 * ```
 *
 * Exits 1 when any case breaks the contract.
 *
 * @module
 */
import { fuzzCases, judgeCase, knownCodes, MUTATIONS } from "../test/_fuzz.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const json = Deno.args.includes("--json");
const iterations = Number(args[0] ?? "20000");
const seed = Number(args[1] ?? "20261123");
if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(seed)) {
  console.error("usage: proof_fuzz.ts [iterations] [seed] [--json]");
  Deno.exit(2);
}

const codes = knownCodes();
const byCode = new Map<string, number>();
const byMutation = new Map<string, { cases: number; invalid: number }>(
  MUTATIONS.map((m) => [m, { cases: 0, invalid: 0 }]),
);
const times: number[] = [];
const failures: string[] = [];
let valid = 0;
let maxDiagnostics = 0;
const started = performance.now();
for (const fuzz of fuzzCases(seed, iterations)) {
  const outcome = judgeCase(fuzz.source, { codes, maxMs: 2_000 });
  times.push(outcome.elapsedMs);
  if (outcome.valid) valid++;
  maxDiagnostics = Math.max(maxDiagnostics, outcome.diagnostics.length);
  for (const code of new Set(outcome.diagnostics.map((d) => d.code))) {
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  for (const m of new Set(fuzz.mutations)) {
    const entry = byMutation.get(m)!;
    entry.cases++;
    if (!outcome.valid) entry.invalid++;
  }
  if (outcome.problems.length > 0) {
    failures.push(
      `case ${fuzz.index} (${fuzz.sample}, ${fuzz.mutations.join("+")}): ` +
        outcome.problems.slice(0, 3).join("; ") +
        (outcome.problems.length > 3 ? `; … ${outcome.problems.length - 3} more` : ""),
    );
  }
}
const totalMs = performance.now() - started;
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
const figures = {
  iterations,
  seed,
  valid,
  invalid: iterations - valid,
  contractViolations: failures.length,
  totalMs: Math.round(totalMs),
  caseMs: { p50: +pct(0.5).toFixed(2), p99: +pct(0.99).toFixed(2), max: +pct(1).toFixed(2) },
  maxDiagnosticsInOneCase: maxDiagnostics,
  casesByCode: Object.fromEntries([...byCode].sort((a, b) => b[1] - a[1])),
  byMutation: Object.fromEntries(byMutation),
};
if (json) {
  console.log(JSON.stringify({ ...figures, failures }, null, 2));
} else {
  console.log(`fuzz: ${iterations} cases from seed ${seed} in ${figures.totalMs} ms`);
  console.log(
    `  valid ${valid}, invalid ${iterations - valid}, contract violations ${failures.length}`,
  );
  console.log(
    `  per case: p50 ${figures.caseMs.p50} ms, p99 ${figures.caseMs.p99} ms, max ${figures.caseMs.max} ms`,
  );
  console.log(`  most diagnostics in one case: ${maxDiagnostics}`);
  console.log(
    `  cases by code: ${
      Object.entries(figures.casesByCode).map(([c, n]) => `${c} ${n}`).join(", ")
    }`,
  );
  for (const [m, { cases, invalid }] of byMutation) {
    console.log(`  ${m.padEnd(15)} ${String(cases).padStart(6)} cases, ${invalid} invalid`);
  }
  for (const failure of failures.slice(0, 20)) console.log(`  ✗ ${failure}`);
  if (failures.length > 20) console.log(`  … ${failures.length - 20} more`);
}
Deno.exit(failures.length > 0 ? 1 : 0);
