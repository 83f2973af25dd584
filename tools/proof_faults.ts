/**
 * `deno task proof:faults`: many seeded runs of the sample workflows against the emulator
 * server with faults injected at 10%, 20% and 30% of calls (error codes, HTTP 502, latency,
 * connections cut before and after the request is applied). Every run must succeed with the
 * right final state or stop failed/uncertain honestly, and nothing may be applied twice.
 * `TCFLOW_FAULT_SEEDS` (default 20) seeds per rate and workflow, from `TCFLOW_FAULT_SEED`
 * (default 7). Prints one line per run and the figures; exits 1 on any violation.
 *
 * @module
 */
import { TRIAL_WORKFLOWS } from "../test/_crash.ts";
import { faultSpec, faultSuite, faultTable } from "../test/_fault_runs.ts";

const seeds = Number(Deno.env.get("TCFLOW_FAULT_SEEDS") ?? 20);
const seed = Number(Deno.env.get("TCFLOW_FAULT_SEED") ?? 7);
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(seed)) {
  console.error("TCFLOW_FAULT_SEEDS must be a positive integer and TCFLOW_FAULT_SEED an integer");
  Deno.exit(2);
}
const rates = [0.1, 0.2, 0.3];
const startMs = Date.now();
console.log(
  `fault suite: ${seeds} seeds × ${rates.length} rates × ${TRIAL_WORKFLOWS.length} workflows, deno ${Deno.version.deno}`,
);
for (const rate of rates) console.log(`  ${rate * 100}%: ${faultSpec(rate)}`);
const { figures } = await faultSuite({
  workflows: TRIAL_WORKFLOWS,
  rates,
  seeds,
  seed,
  log: (line) => console.log(line),
});
console.log(`\n${faultTable(figures)}`);
const violations = figures.reduce((n, f) => n + f.violations, 0);
console.log(
  `violations: ${violations} (must be 0); ${((Date.now() - startMs) / 1000).toFixed(1)} s`,
);
Deno.exit(violations === 0 ? 0 : 1);
