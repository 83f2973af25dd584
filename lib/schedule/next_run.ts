/**
 * When a schedule fires: the `croner` package (vendored as `lib/vendor/croner.js`) matches the
 * cron of `schedule:` against the wall clock of its `timezone:` (UTC by default). A wall-clock
 * minute that a daylight-saving change skips does not fire (croner would move it to the next
 * valid minute; such a time does not match the cron and is passed over); one that occurs twice
 * fires once, at its first occurrence.
 *
 * @module
 */
import { Cron as Croner } from "../vendor/croner.js";
import type { Cron } from "../workflow/cron.ts";

const engines = new WeakMap<Cron, Croner>();

function engineOf(cron: Cron): Croner {
  let engine = engines.get(cron);
  if (engine === undefined) {
    engine = new Croner(cron.fields, {
      paused: true,
      mode: "5-part",
      // `5/20` (from 5, every 20) is classic cron; croner calls it sloppy.
      sloppyRanges: true,
      // Never the host's zone: UTC unless the workflow names one.
      timezone: cron.timezone ?? "UTC",
    });
    engines.set(cron, engine);
  }
  return engine;
}

/**
 * The first time strictly after `afterMs` (epoch milliseconds) at which `cron` fires, on a
 * whole minute of its zone's clock; `Infinity` when it never fires.
 *
 * @example
 * ```ts
 * import { parseCron } from "../workflow/cron.ts";
 * import { nextRun } from "./next_run.ts";
 * const cron = parseCron("@daily");
 * if (!("error" in cron)) nextRun(cron, Date.UTC(2026, 0, 1, 12)); // Date.UTC(2026, 0, 2)
 * ```
 */
export function nextRun(cron: Cron, afterMs: number): number {
  const engine = engineOf(cron);
  let after = new Date(afterMs);
  for (let guard = 0; guard < 1_000; guard++) {
    const next = engine.nextRun(after);
    if (next === null) return Infinity;
    if (engine.match(next)) return next.getTime();
    after = next; // a time moved out of a daylight-saving gap: not a fire of this cron
  }
  return Infinity;
}
