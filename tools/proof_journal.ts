/**
 * `deno task proof:journal`: the journal-corruption trials scaled up. Runs
 * `TCFLOW_JOURNAL_TRIALS` (default 520, at least 500 for the proof) seeded trials from
 * `TCFLOW_JOURNAL_SEED` (default 20261204): each damages a real run's journal (a torn last record
 * after a crash, a truncation, a flipped byte, a garbage line, a dropped or copied record, a
 * damaged or missing meta.json), then runs `tcflow runs --json` and `tcflow resume` against the
 * in-process emulator. Prints one line per trial and the figures; exits 1 when `runs` failed,
 * a status was wrong or a create was sent twice.
 *
 * @module
 */
import { corruptionTable, corruptionTrials } from "../test/_journal_corruption.ts";

const trials = Number(Deno.env.get("TCFLOW_JOURNAL_TRIALS") ?? 520);
const seed = Number(Deno.env.get("TCFLOW_JOURNAL_SEED") ?? 20261204);
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(seed)) {
  console.error(
    "TCFLOW_JOURNAL_TRIALS must be a positive integer and TCFLOW_JOURNAL_SEED an integer",
  );
  Deno.exit(2);
}
const startMs = Date.now();
console.log(`journal-corruption trials: ${trials}, seed ${seed}, deno ${Deno.version.deno}`);
const { figures } = await corruptionTrials({ trials, seed, log: (line) => console.log(line) });
console.log(`\n${corruptionTable(figures)}`);
console.log(
  `runs failed: ${figures.runsFailed}, wrong status: ${figures.wrongStatus}, re-sent: ${figures.resent}, trials with a problem: ${figures.problems} (all must be 0); ${
    ((Date.now() - startMs) / 1000).toFixed(1)
  } s`,
);
Deno.exit(figures.problems === 0 ? 0 : 1);
