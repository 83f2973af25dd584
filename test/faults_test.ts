/**
 * The fault suite, CI-sized: the sample workflows as `cli.ts run` subprocesses against the
 * emulator server with faults at 10%, 20% and 30% (error codes, 502, latency, connections cut
 * before and after the request is applied), `TCFLOW_FAULT_SEEDS` (default 2) seeds each. Every
 * run succeeds with the right final state or stops failed/uncertain honestly; nothing is
 * applied twice. `deno task proof:faults` runs the same with more seeds.
 */
import assert from "node:assert/strict";
import { TRIAL_WORKFLOWS } from "./_crash.ts";
import { faultSpec, faultSuite, faultTable } from "./_fault_runs.ts";

const SEEDS = Number(Deno.env.get("TCFLOW_FAULT_SEEDS") ?? 2);
const SEED = Number(Deno.env.get("TCFLOW_FAULT_SEED") ?? 7);

Deno.test("fault suite: seeded runs at 10/20/30% faults are correct or honestly failed", async () => {
  const lines: string[] = [];
  const { runs, figures } = await faultSuite({
    workflows: TRIAL_WORKFLOWS,
    rates: [0.1, 0.2, 0.3],
    seeds: SEEDS,
    seed: SEED,
    log: (line) => lines.push(line),
  });
  console.log(faultTable(figures));
  const violations = lines.filter((line) => /VIOLATION/.test(line));
  assert.deepEqual(violations, []);
  assert.equal(runs.length, 3 * SEEDS * TRIAL_WORKFLOWS.length);
  assert.ok(runs.reduce((n, r) => n + r.injected, 0) > 0, "faults were injected");
  // Retries must carry runs through: a runtime that gave up at the first fault would pass every
  // check above, so some run that met faults and retried must have succeeded.
  const outcomes = runs.map((r) => `${r.workflow}@${r.rate}: ${r.outcome}, ${r.retries} retries`);
  assert.ok(
    runs.some((r) => r.outcome === "succeeded" && r.retries > 0),
    `no retried run succeeded:\n${outcomes.join("\n")}`,
  );
});

Deno.test("fault specs split the rate over codes, 5xx and cuts, and parse", async () => {
  const { parseFaultSpec } = await import("../lib/emulator/faults.ts");
  const spec = parseFaultSpec(faultSpec(0.3));
  const total = spec.errorRate + spec.http5xxRate + spec.cutBeforeRate + spec.cutAfterRate;
  assert.ok(Math.abs(total - 0.3) < 1e-9, String(total));
  assert.ok(spec.cutBeforeRate > 0 && spec.cutAfterRate > 0 && spec.http5xxRate > 0);
  assert.equal(spec.latencyMs, 15);
});
