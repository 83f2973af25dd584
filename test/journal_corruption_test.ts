/**
 * The journal-corruption trials, a small seeded round of `deno task proof:journal` (which runs
 * 500+): damaged journals never make `runs` fail, never show a wrong status, and `resume`
 * never sends a create twice. Each kind of damage is tried at least twice.
 */
import assert from "node:assert/strict";
import { corruptionTrials, KINDS } from "./_journal_corruption.ts";

Deno.test("journal corruption: runs never fails, no wrong status, no re-send (seeded round)", async () => {
  const { figures, failures } = await corruptionTrials({ trials: KINDS.length * 3, seed: 1204 });
  assert.deepEqual(
    failures.map((f) => `${f.kind}: ${f.problems.join("; ")}`),
    [],
  );
  assert.equal(figures.trials, KINDS.length * 3);
  assert.equal(figures.runsFailed, 0);
  assert.equal(figures.wrongStatus, 0);
  assert.equal(figures.resent, 0);
  assert.ok(figures.damaged >= KINDS.length, `damaged journals were made (${figures.damaged})`);
});
