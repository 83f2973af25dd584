/**
 * `deno task proof:crash`: the crash trials scaled up. Runs `TCFLOW_CRASH_TRIALS` (default
 * 200, at least 200 for the proof) trials from `TCFLOW_CRASH_SEED` (default 20261123): each
 * runs a sample workflow as a `cli.ts` subprocess against the emulator server, SIGKILLs it at a
 * seeded point (between or during `foreach` items, between pages, inside `until` polls,
 * anywhere), resumes it
 * (killing some resumes too) until it is done, and compares the final emulator state with an
 * uninterrupted run's; for the workflows of `ROLLBACK_WORKFLOWS` most trials then roll the run
 * back, killing some rollbacks, until it is `rolled_back`. Prints one line per trial and the
 * figures; exits 1 on any duplicate, divergent final state or rollback that did not finish.
 *
 * @module
 */
import { crashTrials, figuresTable } from "../test/_crash_trials.ts";

const trials = Number(Deno.env.get("TCFLOW_CRASH_TRIALS") ?? 200);
const seed = Number(Deno.env.get("TCFLOW_CRASH_SEED") ?? 20261123);
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(seed)) {
  console.error("TCFLOW_CRASH_TRIALS must be a positive integer and TCFLOW_CRASH_SEED an integer");
  Deno.exit(2);
}
const startMs = Date.now();
console.log(`crash trials: ${trials}, seed ${seed}, deno ${Deno.version.deno}`);
const { figures } = await crashTrials({ trials, seed, log: (line) => console.log(line) });
console.log(`\n${figuresTable(figures)}`);
console.log(
  `kills by place: ${
    Object.entries(figures.killPlaces).map(([place, n]) => `${place} ${n}`).join(", ")
  }`,
);
const unfinished = figures.rollbackTrials - figures.rollbacksFinished;
console.log(
  `duplicates: ${figures.duplicates} (must be 0); divergent final states: ${figures.divergent} ` +
    `(must be 0); rollbacks not finished: ${unfinished} (must be 0); ${
      ((Date.now() - startMs) / 1000).toFixed(1)
    } s`,
);
Deno.exit(figures.divergent === 0 && figures.duplicates === 0 && unfinished === 0 ? 0 : 1);
