/**
 * Crash trials (PRODUCT.md section 8: "a crash or kill at any point loses nothing that
 * finished"): `tcflow run` of the sample workflows as a subprocess against the emulator server,
 * SIGKILLed at seeded points, resumed (and sometimes killed again while resuming) until done;
 * the final emulator state must equal an uninterrupted run's, nothing applied twice or lost.
 * `TCFLOW_CRASH_TRIALS` (default 6) and `TCFLOW_CRASH_SEED` (default 20261123) set the size
 * and the seed; `deno task proof:crash` runs at least 200, with kills inside `foreach` items, pagination,
 * `until` polls and rollbacks.
 */
import assert from "node:assert/strict";
import { crashTrials, figuresTable } from "./_crash_trials.ts";

const TRIALS = Number(Deno.env.get("TCFLOW_CRASH_TRIALS") ?? 6);
const SEED = Number(Deno.env.get("TCFLOW_CRASH_SEED") ?? 20261123);

Deno.test(`crash trials: ${TRIALS} SIGKILLs at seeded points, resumed, no divergent final state`, async () => {
  const lines: string[] = [];
  const { figures, outcomes } = await crashTrials({
    trials: TRIALS,
    seed: SEED,
    log: (line) => lines.push(line),
  });
  console.log(`seed ${SEED}\n` + figuresTable(figures));
  const divergent = outcomes.filter((t) => t.divergent !== undefined);
  assert.equal(figures.divergent, 0, lines.filter((l) => /DIVERGENT/.test(l)).join("\n"));
  assert.equal(divergent.length, 0);
  assert.equal(figures.duplicates, 0);
  assert.equal(figures.rollbacksFinished, figures.rollbackTrials, "every rollback finished");
  assert.equal(figures.trials, TRIALS);
  assert.ok(figures.kills > 0, "the trials killed something");
});

Deno.test("the state comparison maps generated ids and times, and still sees real differences", async () => {
  const { normalizeState, appliedTwice, mutatingCounts } = await import("./_crash.ts");
  const initial = { services: [{ ServiceId: "service-ody35h5e" }] };
  const state = (svc: string, api: string[], time: string, name = "orders") => ({
    services: [{ ServiceId: "service-ody35h5e" }, {
      ServiceId: svc,
      ServiceName: name,
      CreatedTime: time,
      Domain: `${svc}-1300000000.gz.apigw.tencentcs.com`,
    }],
    apis: api.map((id, i) => ({
      ApiId: id,
      ServiceId: svc,
      ApiName: `api${i}`,
      At: 1795433111997,
    })),
  });
  const a = normalizeState(
    state("service-aaaaaaaa", ["api-11111111", "api-22222222"], "2026-11-23T10:00:00Z"),
    initial,
  );
  const b = normalizeState(
    state("service-bbbbbbbb", ["api-33333333", "api-44444444"], "2026-11-23 11:00:01"),
    initial,
  );
  assert.equal(a, b);
  assert.match(a, /service-ody35h5e/, "seeded ids are kept");
  assert.match(a, /<service#1>-1300000000/);
  // A different name, a missing API, or an API created twice are differences.
  assert.notEqual(
    normalizeState(
      state("service-aaaaaaaa", ["api-11111111", "api-22222222"], "", "other"),
      initial,
    ),
    a,
  );
  assert.notEqual(normalizeState(state("service-aaaaaaaa", ["api-11111111"], ""), initial), a);
  const twice = state("service-aaaaaaaa", ["api-11111111", "api-22222222"], "");
  twice.apis.push({ ...twice.apis[0]!, ApiId: "api-55555555" });
  assert.notEqual(normalizeState(twice, initial), a);

  const call = (action: string, outcome: string) => ({
    seq: 0,
    timeMs: 0,
    service: "apigateway",
    action,
    version: "",
    region: "",
    secretId: "",
    params: {},
    outcome,
    requestId: "",
  });
  const counts = mutatingCounts([
    call("CreateService", "ok"),
    call("DescribeServicesStatus", "ok"),
    call("CreateApi", "cut-after"),
    call("CreateApi", "cut-before"),
    call("CreateApi", "InternalError"),
  ]);
  assert.deepEqual(counts.applied, { "apigateway.CreateService": 1, "apigateway.CreateApi": 1 });
  assert.deepEqual(counts.received, { "apigateway.CreateService": 1, "apigateway.CreateApi": 3 });
  assert.deepEqual(appliedTwice(counts.applied, { "apigateway.CreateService": 1 }), [
    "apigateway.CreateApi ×1 (reference ×0)",
  ]);
});
