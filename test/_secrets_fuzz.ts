/**
 * The secrets fuzzer (issue 13): seeded CEL expressions over a secret string `inputs.key` and a
 * secret integer `inputs.pin` (string functions, slicing, `split`, loops with `map`, `?:`,
 * arithmetic, concatenation, `join`, `bytes` sent as base64), each with its value computed here
 * by a mirror of the CEL functions it uses. A batch of cases is one workflow: every expression
 * is a `set:` output, some are also workflow `outputs:`, and the strings are sent one by one
 * (a `foreach`) as a parameter the emulator refuses with an error message that quotes them
 * JSON-escaped and cut to 40 characters.
 *
 * What counts as a leak of a case (its value `V`, whose leaves are its strings and numbers as
 * text, bytes as base64):
 * - **Where it was put.** In `run --json` and in the journal, the case's `set` output (and its
 *   workflow output) must show `***` for every leaf (an empty string may stay empty: it reveals
 *   nothing); in every error message about it, the quoted value must be only `***`.
 * - **Anywhere as text.** In stdout and stderr of `run` and `run --json`, every journal file and
 *   the Markdown and HTML reports (entities decoded): no leaf of 4 characters or more (numbers
 *   as whole numbers: not inside a longer run of digits, nor a time or duration like `740 ms`),
 *   no 1–3 character string leaf as a JSON string value (`"sk"` not followed by `:`, not an
 *   HTML attribute's `="ok"`), and never
 *   the secrets themselves. A leaf that the workflow's own text contains (a literal the author
 *   wrote) is not a secret's and is skipped.
 * - **Text the author wrote stays.** Where an expression keeps a secret as it is and joins it
 *   with its own literals (`"id=" + inputs.key`), text made of pieces of those literals may
 *   show around `***` (`id=***`, `xBearer ***`), at the place and in error messages; any other
 *   character is a leak.
 *
 * A 1–3 character string or a number under 4 digits is only looked for at its place (the
 * `--json` document, the journal's events, the error messages) and as a JSON string: in free
 * text (`740` or `:21` in a report's times), such a value cannot be told from anything else.
 * The quotes around a value in an error message are the message's own.
 *
 * Not counted (not data flow): what a comparison, a condition or `size` tells about a secret.
 * So a case whose value a `?:` took from its literal (`size(inputs.key) > 28 ? … : "z"`) is not
 * a secret's ({@link SecretCase.secret}): it may show as it is, and is not searched as text.
 * An output's own name is never redacted (a piece of a secret in it once gave `ca***87`): each
 * case is looked for under its exact name.
 *
 * @module
 */
import { createRng, type Rng } from "./_random.ts";

/** One generated expression and the value it evaluates to. */
export interface SecretCase {
  source: string;
  value: unknown;
  /**
   * Whether the value is made from a secret's data. A `?:` that chose its literal (`"z"`) gives
   * a value that is not (only the condition looked at the secret, which is not counted).
   */
  secret: boolean;
}

/** A workflow's worth of cases, with its secrets. */
export interface SecretBatch {
  key: string;
  pin: bigint;
  cases: SecretCase[];
  /** Indexes (into `cases`) of the string cases sent as a refused parameter. */
  quoted: number[];
  /** Indexes of the cases that are also workflow outputs. */
  outputs: number[];
  workflow: string;
}

type Str = { source: string; value: string; secret: boolean };
type Int = { source: string; value: bigint; secret: boolean };

const KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=";
const ODD_CHARS = ['"', "\\", " ", "%", ":", "é"];

function secretKey(rng: Rng): string {
  const length = rng.int(8, 48);
  let key = "";
  for (let i = 0; i < length; i++) {
    key += rng.chance(0.06) ? rng.pick(ODD_CHARS) : KEY_CHARS[rng.int(0, KEY_CHARS.length - 1)];
  }
  return key;
}

/** A CEL string literal for any text. */
function lit(text: string): string {
  return JSON.stringify(text);
}

function chars(s: string): string[] {
  return [...s];
}

function ascii(s: string, upper: boolean): string {
  return s.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (m) => upper ? m.toUpperCase() : m.toLowerCase());
}

/** A string expression of depth at most `depth` over the secret key. */
function str(rng: Rng, base: Str, pin: Int, depth: number): Str {
  if (depth === 0) return base;
  const s = str(rng, base, pin, depth - 1);
  const cs = chars(s.value);
  const n = cs.length;
  switch (rng.int(0, 12)) {
    case 0: {
      const a = rng.int(0, n);
      const b = rng.int(a, Math.min(n, a + rng.pick([1, 2, 3, 8])));
      return { ...s, source: `${s.source}.substring(${a}, ${b})`, value: cs.slice(a, b).join("") };
    }
    case 1: {
      const a = rng.int(0, n);
      return { ...s, source: `${s.source}.substring(${a})`, value: cs.slice(a).join("") };
    }
    case 2: {
      const i = rng.int(0, Math.max(0, n - 1));
      return { ...s, source: `${s.source}.charAt(${i})`, value: cs[i] ?? "" };
    }
    case 3:
      return { ...s, source: `${s.source}.upperAscii()`, value: ascii(s.value, true) };
    case 4:
      return { ...s, source: `${s.source}.lowerAscii()`, value: ascii(s.value, false) };
    case 5: {
      if (n === 0) return s;
      const from = rng.pick(cs);
      const to = rng.pick(["", "-", "xy"]);
      return {
        ...s,
        source: `${s.source}.replace(${lit(from)}, ${lit(to)})`,
        value: s.value.split(from).join(to),
      };
    }
    case 6: {
      if (n === 0) return s;
      const sep = rng.pick(cs);
      const parts = s.value.split(sep);
      const i = rng.int(0, parts.length - 1);
      return { ...s, source: `${s.source}.split(${lit(sep)})[${i}]`, value: parts[i]! };
    }
    case 7: {
      const text = rng.pick(["x", "Bearer ", "-", "id=", "é"]);
      return rng.chance(0.5)
        ? { ...s, source: `(${lit(text)} + ${s.source})`, value: text + s.value }
        : { ...s, source: `(${s.source} + ${lit(text)})`, value: s.value + text };
    }
    case 8: {
      const other = str(rng, base, pin, depth - 1);
      const sep = rng.pick(["", ",", "/"]);
      return {
        source: `[${s.source}, ${other.source}].join(${lit(sep)})`,
        value: [s.value, other.value].join(sep),
        secret: s.secret || other.secret,
      };
    }
    case 9: {
      const k = rng.int(0, 30);
      const whenFalse = rng.pick(["short", "z"]);
      const chosen = chars(base.value).length > k;
      return {
        source: `(size(inputs.key) > ${k} ? ${s.source} : ${lit(whenFalse)})`,
        value: chosen ? s.value : whenFalse,
        secret: chosen && s.secret,
      };
    }
    case 10: {
      const num = int(rng, pin, 2);
      return { source: `string(${num.source})`, value: String(num.value), secret: true };
    }
    case 11:
      return { ...s, source: `${s.source}.trim()`, value: s.value.trim() };
    default: {
      const num = int(rng, pin, 1);
      return {
        source: `(${s.source} + string(${num.source}))`,
        value: s.value + String(num.value),
        secret: true,
      };
    }
  }
}

/** An integer expression over the secret PIN (never overflowing int64). */
function int(rng: Rng, pin: Int, depth: number): Int {
  if (depth === 0) return pin;
  const x = int(rng, pin, depth - 1);
  const k = BigInt(rng.int(1, 97));
  switch (rng.int(0, 5)) {
    case 0:
      return { ...x, source: `(${x.source} + ${k})`, value: x.value + k };
    case 1:
      return { ...x, source: `(${x.source} - ${k})`, value: x.value - k };
    case 2:
      return { ...x, source: `(${x.source} * ${k})`, value: x.value * k };
    case 3:
      return { ...x, source: `(-${x.source})`, value: -x.value };
    case 4:
      return { ...x, source: `(${x.source} % ${k})`, value: x.value % k };
    default:
      return { ...x, source: `(${x.source} / ${k})`, value: x.value / k };
  }
}

/** One case: a string, a number, a list made by a loop, a split, or bytes. */
function secretCase(rng: Rng, key: Str, pin: Int): SecretCase {
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return str(rng, key, pin, rng.int(1, 3));
    case 4:
    case 5:
      return int(rng, pin, rng.int(1, 3));
    case 6: {
      const width = rng.int(1, 3);
      const n = chars(key.value).length;
      const starts = Array.from({ length: Math.floor(n / width) }, (_, i) => i * width);
      return {
        secret: true,
        source: `[${starts.join(", ")}].map(i, inputs.key.substring(i, i + ${width}))`,
        value: starts.map((i) => chars(key.value).slice(i, i + width).join("")),
      };
    }
    case 7: {
      const s = str(rng, key, pin, rng.int(0, 1));
      const sep = rng.pick(chars(s.value).length > 0 ? chars(s.value) : ["-"]);
      return { ...s, source: `${s.source}.split(${lit(sep)})`, value: s.value.split(sep) };
    }
    case 8: {
      const n = chars(key.value).length;
      const idx = Array.from({ length: Math.min(n, 6) }, () => rng.int(0, n - 1));
      return {
        secret: true,
        source: `[${idx.join(", ")}].map(i, inputs.key.charAt(i))`,
        value: idx.map((i) => chars(key.value)[i]!),
      };
    }
    default: {
      const s = str(rng, key, pin, rng.int(0, 2));
      const bytes = new TextEncoder().encode(s.value);
      let binary = "";
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return { ...s, source: `bytes(${s.source})`, value: btoa(binary) };
    }
  }
}

/**
 * The name of case `i`'s output: long enough never to be a secret of the batch (a short secret
 * is redacted where a key of the data equals it, and `v8` could be one).
 */
export function caseName(i: number): string {
  return `case_${String(i).padStart(4, "0")}`;
}

/** The workflow of a batch (see the module doc). */
function batchWorkflow(
  n: number,
  cases: SecretCase[],
  quoted: number[],
  outputs: number[],
): string {
  const lines = [
    "tcflow: 1",
    `name: fuzz-secrets-${n}`,
    "region: ap-guangzhou",
    "inputs:",
    "  key: { type: string, secret: true }",
    "  pin: { type: integer, secret: true }",
    "steps:",
    "  - id: fuzz",
    "    set:",
    ...cases.map((c, i) => `      ${caseName(i)}: ${JSON.stringify(`\${{ ${c.source} }}`)}`),
  ];
  if (quoted.length > 0) {
    lines.push(
      "  - id: quoted",
      "    action: trocket.CreateTopic",
      `    foreach: ${
        JSON.stringify(`\${{ [${quoted.map((i) => cases[i]!.source).join(", ")}] }}`)
      }`,
      "    with:",
      "      InstanceId: rmq-72mo3a9o",
      '      Topic: "fz-${{ index }}"',
      "      TopicType: NORMAL",
      '      QueueNum: "${{ dyn(item) }}"',
      "    on_error: continue",
    );
  }
  lines.push(
    "outputs:",
    ...outputs.map((i) => `  out_${caseName(i)}: \${{ steps.fuzz.outputs.${caseName(i)} }}`),
  );
  return lines.join("\n") + "\n";
}

/** `batches` batches of `perBatch` cases from `seed` (the same seed gives the same cases). */
export function secretBatches(seed: number, batches: number, perBatch: number): SecretBatch[] {
  const rng = createRng(seed);
  const out: SecretBatch[] = [];
  for (let n = 0; n < batches; n++) {
    const keyText = secretKey(rng);
    const pinValue = BigInt(rng.chance(0.2) ? rng.int(1, 99) : rng.int(1000, 99_999_999));
    const key: Str = { source: "inputs.key", value: keyText, secret: true };
    const pin: Int = { source: "inputs.pin", value: pinValue, secret: true };
    const cases = Array.from({ length: perBatch }, () => secretCase(rng, key, pin));
    // At most 10 strings are sent (each one is an API call).
    const quoted = cases.flatMap((c, i) =>
      typeof c.value === "string" && rng.chance(0.5) ? [i] : []
    )
      .slice(0, 10);
    const outputs = cases.flatMap((_, i) => rng.chance(0.2) ? [i] : []);
    out.push({
      key: keyText,
      pin: pinValue,
      cases,
      quoted,
      outputs,
      workflow: batchWorkflow(n, cases, quoted, outputs),
    });
  }
  return out;
}

/** A value's leaves as text: strings, numbers (bigints) in decimal. */
export function leavesOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "bigint" || typeof value === "number") return [String(value)];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return [];
}
