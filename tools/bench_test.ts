import assert from "node:assert/strict";
import { benchEngine } from "./bench_engine.ts";
import { benchSigner } from "./bench_signer.ts";

const positive = (value: number, what: string) =>
  assert.ok(Number.isFinite(value) && value > 0, `${what}: ${value}`);

Deno.test("the call benchmark drives both clients against a separate emulator process", async () => {
  const figures = await benchEngine({ calls: 20, rounds: 2 });
  assert.equal(figures.server, "process");
  const { median, min, max } = figures.roundRatios.sequential;
  assert.ok(min <= median && median <= max, `${min} ${median} ${max}`);
  positive(figures.sequential.tcflowPerS, "tcflow sequential");
  positive(figures.sequential.sdkPerS, "SDK sequential");
  positive(figures.sequential.rawFetchPerS, "bare fetch");
  positive(figures.concurrent16.tcflowPerS, "tcflow c16");
  positive(figures.ratio.sequential, "ratio");
});

Deno.test("the signing benchmark measures both signers", async () => {
  const figures = await benchSigner({ iterations: 50, rounds: 1 });
  positive(figures.tcflowPerS, "tcflow one at a time");
  positive(figures.tcflowConcurrent16PerS, "tcflow 16 in flight");
  positive(figures.sdkPerS, "SDK");
});
