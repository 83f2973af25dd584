/**
 * Cron schedules of `schedule:`, checked at validation: five fields (minute hour day-of-month
 * month day-of-week) with `*`, ranges, lists, steps and names (`MON`, `JAN`), or a macro
 * (`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`), each
 * problem named by its field. When it fires is the scheduler's (`lib/schedule/next_run.ts`,
 * through the `croner` package), so validation loads no cron engine.
 *
 * @module
 */

/** A parsed cron schedule: the allowed values of each field. */
export interface Cron {
  /** The text as written. */
  source: string;
  /** The five fields, a macro expanded (`0 0 * * *` for `@daily`). */
  fields: string;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday … 6 = Saturday (`7` is read as Sunday). */
  daysOfWeek: Set<number>;
  /** True when the day-of-month field is `*` (then only day-of-week restricts days). */
  anyDayOfMonth: boolean;
  /** True when the day-of-week field is `*` (then only day-of-month restricts days). */
  anyDayOfWeek: boolean;
  /** The IANA time zone whose wall clock the fields match (`timezone:`); UTC when absent. */
  timezone?: string;
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names for values, starting at `min` (months) or 0 (days). */
  names?: string[];
  namesStart?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  { name: "day of week", min: 0, max: 7, names: DAY_NAMES, namesStart: 0 },
];

/** Longest day of each month (February counts its leap day). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a cron expression. Returns `{ error }` with a message naming the bad field.
 *
 * @example
 * ```ts
 * import { parseCron } from "./cron.ts";
 * const cron = parseCron("0 3 * * MON-FRI");
 * if ("error" in cron) throw new Error(cron.error);
 * ```
 */
export function parseCron(text: string): Cron | { error: string } {
  const trimmed = text.trim();
  let body = trimmed;
  if (trimmed.startsWith("@")) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (macro === undefined) {
      return {
        error: `unknown cron macro \`${trimmed}\` (expected one of ${
          Object.keys(MACROS).join(", ")
        })`,
      };
    }
    body = macro;
  }
  const parts = body.split(/\s+/).filter((part) => part !== "");
  if (parts.length !== 5) {
    return {
      error:
        `a cron schedule has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`,
    };
  }
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const result = parseField(parts[i]!, FIELDS[i]!);
    if (typeof result === "string") return { error: result };
    sets.push(result);
  }
  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const daysOfWeek = new Set([...rawDaysOfWeek].map((day) => day % 7));
  const cron: Cron = {
    source: trimmed,
    fields: parts.join(" "),
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    anyDayOfMonth: parts[2] === "*" || parts[2] === "?",
    anyDayOfWeek: parts[4] === "*" || parts[4] === "?",
  };
  if (cron.anyDayOfWeek && !cron.anyDayOfMonth) {
    const possible = [...months].some((month) =>
      [...daysOfMonth].some((day) => day <= MONTH_DAYS[month - 1]!)
    );
    if (!possible) {
      return { error: `the schedule \`${trimmed}\` never runs: no such day in those months` };
    }
  }
  return cron;
}

function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const problem = addItem(item, spec, values);
    if (problem !== undefined) return `bad ${spec.name} field \`${text}\`: ${problem}`;
  }
  return values;
}

function addItem(item: string, spec: FieldSpec, values: Set<number>): string | undefined {
  if (item === "") return "empty list item";
  const [range, stepText, extra] = item.split("/");
  if (extra !== undefined || range === undefined) return `\`${item}\` has more than one \`/\``;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
      return `step \`${stepText}\` must be a positive integer`;
    }
    step = Number(stepText);
  }
  let low: number;
  let high: number;
  if (range === "*" || range === "?") {
    low = spec.min;
    high = spec.name === "day of week" ? 6 : spec.max;
  } else {
    const dash = range.indexOf("-", 1);
    const lowValue = value(dash < 0 ? range : range.slice(0, dash), spec);
    if (typeof lowValue === "string") return lowValue;
    low = lowValue;
    if (dash >= 0) {
      const highValue = value(range.slice(dash + 1), spec);
      if (typeof highValue === "string") return highValue;
      high = highValue;
      if (high < low) return `range \`${range}\` goes backwards`;
    } else {
      high = stepText === undefined ? low : spec.max;
    }
  }
  for (let v = low; v <= high; v += step) values.add(v);
  return undefined;
}

function value(text: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    if (number < spec.min || number > spec.max) {
      return `${number} is out of range ${spec.min}-${spec.max}`;
    }
    return number;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0) return `\`${text}\` is not a ${spec.name}`;
  return index + (spec.namesStart ?? 0);
}
