/**
 * Durations as written in workflow files: `500ms`, `5s`, `10m`, `1h30m`, `2h`, `1d`.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};

/** Units from largest to smallest; components must follow this order, each at most once. */
const ORDER = ["d", "h", "m", "s", "ms"];

const COMPONENT = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

/**
 * Parses a duration into milliseconds (rounded to an integer), or `undefined` when the text
 * is not a duration. Components are a number (decimals allowed) and a unit among `d`, `h`,
 * `m`, `s`, `ms`, from largest to smallest, each unit once: `1h30m`, `1.5s`, `250ms`.
 * A bare number has no unit and is rejected.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("1h30m"); // 5_400_000
 * parseDuration("30"); // undefined
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let index = 0;
  let lastRank = -1;
  let totalMs = 0;
  while (index < trimmed.length) {
    COMPONENT.lastIndex = index;
    const match = COMPONENT.exec(trimmed);
    if (match === null) return undefined;
    const unit = match[2]!;
    const rank = ORDER.indexOf(unit);
    if (rank <= lastRank) return undefined;
    lastRank = rank;
    totalMs += Number(match[1]) * UNIT_MS[unit]!;
    index = COMPONENT.lastIndex;
  }
  if (!Number.isFinite(totalMs) || totalMs > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.round(totalMs);
}

/** Formats milliseconds as the shortest duration text `parseDuration` reads back: `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.round(ms);
  let text = "";
  for (const unit of ORDER) {
    const size = UNIT_MS[unit]!;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
