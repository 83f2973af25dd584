/**
 * Time zones of `timezone:` beside `schedule:` (IANA names, PRODUCT.md section 16), checked at
 * validation through `Intl` (the zone data of the runtime). Matching the cron against the zone's
 * wall clock is the scheduler's (`lib/schedule/next_run.ts`).
 *
 * @module
 */

/** Whether `name` is a time zone the runtime knows (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name.trim() !== "";
  } catch {
    return false;
  }
}
