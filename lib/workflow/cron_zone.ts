/**
 * Cron in a time zone (`timezone:` beside `schedule:`, IANA names, PRODUCT.md section 16): the
 * cron fields are matched against the wall clock of the zone, through `Intl` (the zone data of
 * the runtime). A wall-clock minute that a daylight-saving change skips does not fire; one that
 * occurs twice fires once, at its first occurrence.
 *
 * @module
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** Whether `name` is a time zone the runtime knows (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name.trim() !== "";
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (`+8 h` for Asia/Shanghai). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(utcMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The first instant after `afterMs` whose wall-clock minute in `zone` matches, given
 * `nextWall`, the next matching minute of a clock read as UTC.
 */
export function nextRunInZone(
  zone: string,
  afterMs: number,
  nextWall: (afterWallMs: number) => number,
): number {
  let wallAfter = afterMs + zoneOffsetMs(zone, afterMs);
  for (let guard = 0; guard < 10_000; guard++) {
    const wall = nextWall(wallAfter);
    if (!Number.isFinite(wall)) return Infinity;
    // The instants showing this wall-clock minute: none (skipped), one, or two (repeated).
    const instants = [
      wall - zoneOffsetMs(zone, wall - 86_400_000),
      wall - zoneOffsetMs(zone, wall + 86_400_000),
    ]
      .filter((utc) => utc + zoneOffsetMs(zone, utc) === wall);
    if (instants.length > 0) {
      const first = Math.min(...instants);
      if (first > afterMs) return first;
    }
    wallAfter = wall;
  }
  return Infinity;
}
