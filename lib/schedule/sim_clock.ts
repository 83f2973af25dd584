/**
 * A simulated clock for `tcflow schedule`, for proofs only (`deno task proof:cluster --only
 * schedules`): env `TCFLOW_SCHEDULE_CLOCK=start=<ISO time>;at=<epoch ms>;speed=<N>` makes the
 * scheduler read the time as `start` when the (database) clock reads `at`, running `speed`
 * times faster, so several real scheduler processes agree on one simulated time and go
 * through 100 minutes in a few. Only the scheduler's loop uses it; runs keep the real clock.
 *
 * @module
 */
import type { Deps } from "../deps.ts";

/** The parsed setting. */
export interface SimClock {
  startMs: number;
  atMs: number;
  speed: number;
}

/** The env variable's name. */
export const SIM_CLOCK_ENV = "TCFLOW_SCHEDULE_CLOCK";

/**
 * Parses `start=…;at=…;speed=…`.
 *
 * @returns the setting, or a one-line error naming what is wrong
 */
export function parseSimClock(text: string): SimClock | { error: string } {
  const fields = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const startMs = Date.parse(fields.get("start") ?? "");
  const atMs = Number(fields.get("at") ?? NaN);
  const speed = Number(fields.get("speed") ?? NaN);
  if (!Number.isFinite(startMs) || !Number.isFinite(atMs) || !(speed > 0 && speed <= 10_000)) {
    return {
      error: `${SIM_CLOCK_ENV} must read start=<ISO time>;at=<epoch ms>;speed=<1 to 10000>, ` +
        `got ${JSON.stringify(text)}`,
    };
  }
  return { startMs, atMs, speed };
}

/** `deps` whose time is the simulated one (`deps.now` is the real, database-aligned clock). */
export function simulated(
  deps: Pick<Deps, "now" | "sleep">,
  clock: SimClock,
): Pick<Deps, "now" | "sleep"> {
  return {
    now: () => clock.startMs + (deps.now() - clock.atMs) * clock.speed,
    sleep: (ms, signal) => deps.sleep(ms / clock.speed, signal),
  };
}
