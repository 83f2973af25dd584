/**
 * `deno task proof:crash`: the crash trials scaled up. Runs `TCFLOW_CRASH_TRIALS` (default
 * 100, at least 100 for the proof) trials from `TCFLOW_CRASH_SEED` (default 20261123): each
 * runs a sample workflow as a `cli.ts` subprocess against the emulator server, SIGKILLs it at a
 * seeded point, resumes it (killing some resumes too) until it is done, and compares the final
 * emulator state with an uninterrupted run's. Prints one line per trial and the figures; exits
 * 1 when any final state diverged.
 *
 * @module
 */
import { crashTrials, figuresTable } from "../test/_crash_trials.ts";

const trials = Number(Deno.env.get("TCFLOW_CRASH_TRIALS") ?? 100);
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
  `divergent final states: ${figures.divergent} (must be 0); ${
    ((Date.now() - startMs) / 1000).toFixed(1)
  } s`,
);
Deno.exit(figures.divergent === 0 ? 0 : 1);
