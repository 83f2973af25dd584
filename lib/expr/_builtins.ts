/**
 * Built-in CEL functions and methods: their static signatures (for `check.ts`) and their
 * implementations (for `evaluate.ts`), side by side so that they cannot drift apart.
 * Macros (`has`, `map`, `filter`, `all`, `exists`, `exists_one`, `cel.bind`) are not here:
 * they bind variables and are handled by the checker and the evaluator themselves.
 *
 * @module
 */

import { listOf, T } from "./types.ts";
import type { ExprType } from "./types.ts";
import { Duration, ExprError, kindOf, MAX_INT, MAX_UINT, MIN_INT, Uint } from "./_runtime.ts";
import type { Budget, Kind } from "./_runtime.ts";

type TypeKind = ExprType["kind"];

/** One signature of a builtin. */
export interface Overload {
  /** Receiver kind, for methods. */
  recv?: TypeKind;
  params: TypeKind[];
  result: ExprType;
}

/** Where a call is and what it may spend, for errors and limits. */
export interface CallSite {
  where: { offset: number; length: number };
  budget: Budget;
}

/** A builtin function (`size(x)`) or method (`s.contains(x)`). */
export interface Builtin {
  name: string;
  method: boolean;
  overloads: Overload[];
  call(site: CallSite, recv: unknown, args: unknown[]): unknown;
}

const NUMS: TypeKind[] = ["int", "uint", "double"];

function fn(
  name: string,
  overloads: Array<[TypeKind[], ExprType]>,
  call: Builtin["call"],
): Builtin {
  return {
    name,
    method: false,
    overloads: overloads.map(([params, result]) => ({ params, result })),
    call,
  };
}

function method(
  name: string,
  recv: TypeKind,
  overloads: Array<[TypeKind[], ExprType]>,
  call: Builtin["call"],
): Builtin {
  return {
    name,
    method: true,
    overloads: overloads.map(([params, result]) => ({ recv, params, result })),
    call,
  };
}

function noOverload(site: CallSite, name: string, values: unknown[]): ExprError {
  const kinds = values.map((v) => kindOf(v) ?? "unsupported value").join(", ");
  return new ExprError("E_TYPE", `no overload of \`${name}\` for (${kinds})`, site.where);
}

function evalError(site: CallSite, message: string): ExprError {
  return new ExprError("E_EVAL", message, site.where);
}

// Messages never quote values computed while evaluating (strings, numbers, indexes): they may
// be secrets or made from one (inputs marked `secret`, `inputs.pin * 2`).

/** Checks that a bigint is within int64. */
export function checkInt(v: bigint, where: { offset: number; length: number }): bigint {
  if (v < MIN_INT || v > MAX_INT) throw new ExprError("E_EVAL", "integer overflow", where);
  return v;
}

/** Checks that a bigint is within uint64 and wraps it as a `Uint`. */
export function checkUint(v: bigint, where: { offset: number; length: number }): Uint {
  if (v < 0n || v > MAX_UINT) {
    throw new ExprError("E_EVAL", "unsigned integer overflow", where);
  }
  return new Uint(v);
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function toIntFromDouble(site: CallSite, d: number): bigint {
  if (!Number.isFinite(d)) throw evalError(site, `cannot convert ${d} to int`);
  return checkInt(BigInt(Math.trunc(d)), site.where);
}

const INT_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|NaN)$/;

/**
 * Compiles a regular expression for `matches`, refusing features outside RE2 (look-around,
 * back-references) and nested quantifiers, which could backtrack for an exponential time.
 */
/** V8's linear-time engine (`deno run --v8-flags=--enable-experimental-regexp-engine`). */
const LINEAR = (() => {
  try {
    new RegExp("a", "l");
    return true;
  } catch {
    return false;
  }
})();

function compileRegex(site: CallSite, pattern: string): RegExp {
  if (pattern.length > 1000) throw evalError(site, "regular expression is too long");
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) {
    throw evalError(
      site,
      "unsupported regular expression (look-around or back-reference)",
    );
  }
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(pattern)) {
    throw evalError(
      site,
      "regular expression with nested repetition (like `(a+)+`) is not allowed",
    );
  }
  try {
    return new RegExp(pattern, LINEAR ? "l" : "u");
  } catch {
    throw evalError(site, "invalid regular expression");
  }
}

const DURATION_UNITS: Record<string, bigint> = {
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  "µs": 1_000n,
  ns: 1n,
};

/** Parses a Go-style duration (`"1h30m"`, `"-1.5s"`, `"250ms"`). */
export function parseDuration(text: string): bigint | undefined {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:h|ms|m|s|us|µs|ns))+$/.exec(text);
  if (!m) return text === "0" ? 0n : undefined;
  let total = 0n;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) {
    const [int = "0", frac = ""] = part[1]!.split(".");
    const unit = DURATION_UNITS[part[2]!]!;
    total += BigInt(int || "0") * unit;
    if (frac) total += (BigInt(frac.slice(0, 18).padEnd(18, "0")) * unit) / 10n ** 18n;
  }
  return m[1] === "-" ? -total : total;
}

const TIMESTAMP_MIN_MS = -62135596800000;
const TIMESTAMP_MAX_MS = 253402300799999;

function timestampFrom(site: CallSite, ms: number): Date {
  if (!(ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS)) {
    throw evalError(site, "timestamp out of range");
  }
  return new Date(ms);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock time of `d` in a time zone (IANA name like `Asia/Shanghai`, or an offset
 * like `+08:00`), as a Date whose UTC fields are that wall-clock time.
 */
function inTimeZone(site: CallSite, d: Date, zone: string): Date {
  const offset = /^([+-])(\d\d):(\d\d)$/.exec(zone);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    return new Date(d.getTime() + (offset[1] === "-" ? -minutes : minutes) * 60_000);
  }
  let format = zoneFormats.get(zone);
  if (!format) {
    try {
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
    } catch {
      throw evalError(site, "unknown time zone");
    }
    if (zoneFormats.size < 100) zoneFormats.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(d)) parts[part.type] = Number(part.value);
  const wall = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
    d.getUTCMilliseconds(),
  );
  return new Date(wall);
}

function str(site: CallSite, name: string, v: unknown, all: unknown[]): string {
  if (typeof v !== "string") throw noOverload(site, name, all);
  return v;
}

function int(site: CallSite, name: string, v: unknown, all: unknown[]): number {
  if (typeof v !== "bigint") throw noOverload(site, name, all);
  return Number(v);
}

function alloc(site: CallSite, s: string): string {
  site.budget.alloc(s.length, site.where);
  return s;
}

const STRING_METHODS: Builtin[] = [
  ...(["contains", "startsWith", "endsWith"] as const).map((name) =>
    method(name, "string", [[["string"], T.bool]], (site, recv, args) => {
      const s = str(site, name, recv, [recv, ...args]);
      const t = str(site, name, args[0], [recv, ...args]);
      return name === "contains"
        ? s.includes(t)
        : name === "startsWith"
        ? s.startsWith(t)
        : s.endsWith(t);
    })
  ),
  method("matches", "string", [[["string"], T.bool]], (site, recv, args) => {
    const s = str(site, "matches", recv, [recv, ...args]);
    return compileRegex(site, str(site, "matches", args[0], [recv, ...args])).test(s);
  }),
  ...(["lowerAscii", "upperAscii", "trim"] as const).map((name) =>
    method(name, "string", [[[], T.string]], (site, recv) => {
      const s = str(site, name, recv, [recv]);
      if (name === "trim") return s.trim();
      return s.replace(
        name === "lowerAscii" ? /[A-Z]+/g : /[a-z]+/g,
        (m) => name === "lowerAscii" ? m.toLowerCase() : m.toUpperCase(),
      );
    })
  ),
  ...(["indexOf", "lastIndexOf"] as const).map((name) =>
    method(
      name,
      "string",
      [[["string"], T.int], [["string", "int"], T.int]],
      (site, recv, args) => {
        const all = [recv, ...args];
        const chars = [...str(site, name, recv, all)];
        const needle = [...str(site, name, args[0], all)];
        const from = args.length > 1 ? int(site, name, args[1], all) : undefined;
        if (from !== undefined && (from < 0 || from > chars.length)) {
          throw evalError(site, `${name}: start index out of range`);
        }
        const matchesAt = (i: number) => needle.every((c, j) => chars[i + j] === c);
        if (name === "indexOf") {
          for (let i = from ?? 0; i + needle.length <= chars.length; i++) {
            if (matchesAt(i)) return BigInt(i);
          }
        } else {
          for (let i = Math.min(from ?? chars.length, chars.length - needle.length); i >= 0; i--) {
            if (matchesAt(i)) return BigInt(i);
          }
        }
        return -1n;
      },
    )
  ),
  method(
    "substring",
    "string",
    [[["int"], T.string], [["int", "int"], T.string]],
    (site, recv, args) => {
      const all = [recv, ...args];
      const chars = [...str(site, "substring", recv, all)];
      const start = int(site, "substring", args[0], all);
      const end = args.length > 1 ? int(site, "substring", args[1], all) : chars.length;
      if (start < 0 || start > chars.length || end < start || end > chars.length) {
        throw evalError(
          site,
          `substring: range out of range (the string has ${chars.length} characters)`,
        );
      }
      return chars.slice(start, end).join("");
    },
  ),
  method(
    "split",
    "string",
    [[["string"], listOf(T.string)], [["string", "int"], listOf(T.string)]],
    (site, recv, args) => {
      const all = [recv, ...args];
      const s = str(site, "split", recv, all);
      const sep = str(site, "split", args[0], all);
      const limit = args.length > 1 ? int(site, "split", args[1], all) : -1;
      if (limit === 0) return [];
      const parts = s.split(sep);
      site.budget.alloc(parts.length * 8, site.where);
      if (limit < 0 || parts.length <= limit) return parts;
      return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
    },
  ),
  method(
    "size",
    "string",
    [[[], T.int]],
    (site, recv) => BigInt(codePoints(str(site, "size", recv, [recv]))),
  ),
  // from cel-go's strings extension
  method(
    "replace",
    "string",
    [[["string", "string"], T.string], [["string", "string", "int"], T.string]],
    (site, recv, args) => {
      const all = [recv, ...args];
      const s = str(site, "replace", recv, all);
      const from = str(site, "replace", args[0], all);
      const to = str(site, "replace", args[1], all);
      const limit = args.length > 2 ? int(site, "replace", args[2], all) : -1;
      const parts = s.split(from);
      const n = limit < 0 ? parts.length - 1 : Math.min(limit, parts.length - 1);
      site.budget.alloc(s.length + n * to.length, site.where);
      return parts.slice(0, n + 1).join(to) + (n + 1 < parts.length ? from : "") +
        parts.slice(n + 1).join(from);
    },
  ),
  method("charAt", "string", [[["int"], T.string]], (site, recv, args) => {
    const chars = [...str(site, "charAt", recv, [recv, ...args])];
    const i = int(site, "charAt", args[0], [recv, ...args]);
    if (i < 0 || i > chars.length) {
      throw evalError(
        site,
        `charAt: index out of range (the string has ${chars.length} characters)`,
      );
    }
    return chars[i] ?? "";
  }),
];

const OTHER_METHODS: Builtin[] = [
  method("size", "list", [[[], T.int]], (_s, recv) => BigInt((recv as unknown[]).length)),
  method("size", "map", [[[], T.int]], (_s, recv) => BigInt(Object.keys(recv as object).length)),
  method("size", "bytes", [[[], T.int]], (_s, recv) => BigInt((recv as Uint8Array).length)),
  method("join", "list", [[[], T.string], [["string"], T.string]], (site, recv, args) => {
    const list = recv as unknown[];
    const sep = args.length ? str(site, "join", args[0], [recv, ...args]) : "";
    if (!list.every((x) => typeof x === "string")) {
      throw evalError(site, "join: the list must contain only strings");
    }
    return alloc(site, list.join(sep));
  }),
  method(
    "string",
    "bytes",
    [[[], T.string]],
    (_s, recv) => new TextDecoder().decode(recv as Uint8Array),
  ),
  ...(
    [
      ["getFullYear", (d: Date) => d.getUTCFullYear()],
      ["getMonth", (d: Date) => d.getUTCMonth()],
      ["getDate", (d: Date) => d.getUTCDate()],
      ["getDayOfMonth", (d: Date) => d.getUTCDate() - 1],
      ["getDayOfWeek", (d: Date) => d.getUTCDay()],
      [
        "getDayOfYear",
        (d: Date) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000),
      ],
      ["getHours", (d: Date) => d.getUTCHours()],
      ["getMinutes", (d: Date) => d.getUTCMinutes()],
      ["getSeconds", (d: Date) => d.getUTCSeconds()],
      ["getMilliseconds", (d: Date) => d.getUTCMilliseconds()],
    ] as const
  ).map(([name, get]) =>
    method(
      name,
      "timestamp",
      [[[], T.int], [["string"], T.int]],
      (site, recv, args) => {
        const d = recv as Date;
        if (args.length === 0) return BigInt(get(d));
        return BigInt(get(inTimeZone(site, d, str(site, name, args[0], [recv, ...args]))));
      },
    )
  ),
  ...(
    [
      ["getHours", 3_600_000_000_000n],
      ["getMinutes", 60_000_000_000n],
      ["getSeconds", 1_000_000_000n],
      ["getMilliseconds", 1_000_000n],
    ] as const
  ).map(([name, unit]) =>
    method(name, "duration", [[[], T.int]], (_s, recv) => (recv as Duration).nanos / unit)
  ),
];

const FUNCTIONS: Builtin[] = [
  fn(
    "size",
    [[["string"], T.int], [["bytes"], T.int], [["list"], T.int], [["map"], T.int]],
    (site, _r, args) => {
      const v = args[0];
      switch (kindOf(v)) {
        case "string":
          return BigInt(codePoints(v as string));
        case "bytes":
          return BigInt((v as Uint8Array).length);
        case "list":
          return BigInt((v as unknown[]).length);
        case "map":
          return BigInt(Object.keys(v as object).length);
        default:
          throw noOverload(site, "size", args);
      }
    },
  ),
  fn("int", [
    [["int"], T.int],
    [["uint"], T.int],
    [["double"], T.int],
    [["string"], T.int],
    [["timestamp"], T.int],
  ], (site, _r, args) => {
    const v = args[0];
    switch (kindOf(v)) {
      case "int":
        return v;
      case "uint":
        return checkInt((v as Uint).value, site.where);
      case "double":
        return toIntFromDouble(site, v as number);
      case "string":
        if (!INT_TEXT.test(v as string)) {
          throw evalError(site, "cannot convert the string to int: it is not an integer");
        }
        return checkInt(BigInt(v as string), site.where);
      case "timestamp":
        return BigInt(Math.floor((v as Date).getTime() / 1000));
      default:
        throw noOverload(site, "int", args);
    }
  }),
  fn(
    "uint",
    [[["int"], T.uint], [["uint"], T.uint], [["double"], T.uint], [["string"], T.uint]],
    (site, _r, args) => {
      const v = args[0];
      switch (kindOf(v)) {
        case "int":
          return checkUint(v as bigint, site.where);
        case "uint":
          return v;
        case "double":
          if (!Number.isFinite(v)) throw evalError(site, `cannot convert ${v} to uint`);
          return checkUint(BigInt(Math.trunc(v as number)), site.where);
        case "string":
          if (!/^\+?\d+$/.test(v as string)) {
            throw evalError(
              site,
              "cannot convert the string to uint: it is not an unsigned integer",
            );
          }
          return checkUint(BigInt(v as string), site.where);
        default:
          throw noOverload(site, "uint", args);
      }
    },
  ),
  fn("double", [[["int"], T.double], [["uint"], T.double], [["double"], T.double], [
    ["string"],
    T.double,
  ]], (site, _r, args) => {
    const v = args[0];
    switch (kindOf(v)) {
      case "int":
        return Number(v);
      case "uint":
        return Number((v as Uint).value);
      case "double":
        return v;
      case "string":
        if (!DOUBLE_TEXT.test(v as string)) {
          throw evalError(site, "cannot convert the string to double: it is not a number");
        }
        return Number(v);
      default:
        throw noOverload(site, "double", args);
    }
  }),
  fn(
    "string",
    (["string", "int", "uint", "double", "bool", "bytes", "timestamp", "duration"] as TypeKind[])
      .map((
        k,
      ) => [[k], T.string]),
    (site, _r, args) => {
      const v = args[0];
      switch (kindOf(v)) {
        case "string":
          return v;
        case "int":
        case "double":
        case "bool":
          return String(v);
        case "uint":
          return String((v as Uint).value);
        case "bytes":
          return new TextDecoder().decode(v as Uint8Array);
        case "timestamp":
          return (v as Date).toISOString();
        case "duration":
          return (v as Duration).toString();
        default:
          throw noOverload(site, "string", args);
      }
    },
  ),
  fn("bool", [[["bool"], T.bool], [["string"], T.bool]], (site, _r, args) => {
    const v = args[0];
    if (typeof v === "boolean") return v;
    if (typeof v === "string") {
      if (/^(true|t|1|TRUE|True)$/.test(v)) return true;
      if (/^(false|f|0|FALSE|False)$/.test(v)) return false;
      throw evalError(site, "cannot convert the string to bool");
    }
    throw noOverload(site, "bool", args);
  }),
  fn("bytes", [[["string"], T.bytes], [["bytes"], T.bytes]], (site, _r, args) => {
    const v = args[0];
    if (v instanceof Uint8Array) return v;
    if (typeof v === "string") return new TextEncoder().encode(v);
    throw noOverload(site, "bytes", args);
  }),
  fn("dyn", [[["dyn"], T.dyn]], (_s, _r, args) => args[0]),
  fn("timestamp", [[["string"], T.timestamp], [["int"], T.timestamp]], (site, _r, args) => {
    const v = args[0];
    if (typeof v === "bigint") return timestampFrom(site, Number(v) * 1000);
    if (typeof v === "string") {
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)) {
        throw evalError(site, "timestamp() needs an RFC 3339 text like 2024-01-31T12:00:00Z");
      }
      return timestampFrom(site, new Date(v).getTime());
    }
    throw noOverload(site, "timestamp", args);
  }),
  fn("duration", [[["string"], T.duration]], (site, _r, args) => {
    const v = args[0];
    if (typeof v !== "string") throw noOverload(site, "duration", args);
    const nanos = parseDuration(v);
    if (nanos === undefined) {
      throw evalError(site, "invalid duration: use a text like 90s, 1h30m or 250ms");
    }
    return new Duration(nanos);
  }),
  fn("matches", [[["string", "string"], T.bool]], (site, _r, args) => {
    const s = str(site, "matches", args[0], args);
    return compileRegex(site, str(site, "matches", args[1], args)).test(s);
  }),
];

/** Every builtin. */
export const BUILTINS: readonly Builtin[] = [...FUNCTIONS, ...STRING_METHODS, ...OTHER_METHODS];

/** Names of builtin functions (`size`) and methods (`contains`), for "did you mean". */
export function builtinNames(isMethod: boolean): string[] {
  const names = new Set(BUILTINS.filter((b) => b.method === isMethod).map((b) => b.name));
  for (const macro of isMethod ? MACRO_METHODS : ["has"]) names.add(macro);
  return [...names];
}

/** Macros called as methods. */
export const MACRO_METHODS = ["map", "filter", "all", "exists", "exists_one"] as const;

/** Builtins of a name called as a function or as a method. */
export function findBuiltins(name: string, isMethod: boolean): Builtin[] {
  return BUILTINS.filter((b) => b.name === name && b.method === isMethod);
}

/** The builtin of `name` whose receiver kind matches a runtime value (methods). */
export function methodFor(name: string, recv: Kind | undefined): Builtin | undefined {
  return BUILTINS.find((b) =>
    b.method && b.name === name && b.overloads.some((o) => o.recv === recv)
  );
}

/** Whether a static argument type fits a parameter kind. */
export function fits(t: ExprType, k: TypeKind): boolean {
  if (t.kind === "dyn" || k === "dyn" || t.kind === k) return true;
  if (t.kind === "number") return NUMS.includes(k);
  if (t.kind === "object") return k === "map";
  return false;
}
