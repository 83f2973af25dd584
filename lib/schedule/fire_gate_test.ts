import assert from "node:assert/strict";
import { FileFireGate } from "./fire_gate.ts";

const MINUTE = Date.UTC(2026, 10, 23, 3, 0);

Deno.test("fire gate: a fire is claimed once; a running workflow is not claimed by another", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-gate-" });
  const a = new FileFireGate(dir);
  const b = new FileFireGate(dir); // another scheduler (its own open file, its own lock)
  const first = await a.claim("/w/plan.yaml", MINUTE);
  assert.ok("claim" in first);
  assert.deepEqual(await b.claim("/w/plan.yaml", MINUTE), { refused: "running-elsewhere" });
  assert.deepEqual(await b.claim("/w/plan.yaml", MINUTE + 60_000), {
    refused: "running-elsewhere",
  });
  const other = await b.claim("/w/other.yaml", MINUTE); // another workflow is independent
  assert.ok("claim" in other);
  await other.claim.release();
  await first.claim.release();
  assert.deepEqual(await b.claim("/w/plan.yaml", MINUTE), { refused: "fired-elsewhere" });
  const next = await b.claim("/w/plan.yaml", MINUTE + 60_000);
  assert.ok("claim" in next);
  await next.claim.release();
  const path = await a.lockPath("/w/plan.yaml");
  assert.match(path, /\/schedule\/plan\.yaml-[0-9a-f]{16}\.lock$/);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(`${dir}/schedule`)).mode! & 0o777, 0o700);
});

Deno.test("fire gate: the lock of a killed scheduler is freed by the kernel", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-gate-kill-" });
  const module = new URL("./fire_gate.ts", import.meta.url).href;
  const script = `
    import { FileFireGate } from ${JSON.stringify(module)};
    const result = await new FileFireGate(${JSON.stringify(dir)}).claim("/w/plan.yaml", ${MINUTE});
    console.log("claim" in result ? "claimed" : result.refused);
    await new Promise(() => setTimeout(() => {}, 60_000)); // killed while its run goes
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await reader.read()).value ?? "", /claimed/);
  const gate = new FileFireGate(dir);
  assert.deepEqual(await gate.claim("/w/plan.yaml", MINUTE + 60_000), {
    refused: "running-elsewhere",
  });
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  assert.deepEqual(await gate.claim("/w/plan.yaml", MINUTE), { refused: "fired-elsewhere" });
  const later = await gate.claim("/w/plan.yaml", MINUTE + 60_000);
  assert.ok("claim" in later);
  await later.claim.release();
});
