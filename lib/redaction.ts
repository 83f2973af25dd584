/**
 * How secrets are found in what a run shows, records and prints. Three rules, from the widest
 * to the narrowest:
 *
 * - **Text.** A secret of 3 characters or more is replaced by `***` wherever it occurs, inside
 *   any string, in clear and in the forms an API quotes it in: JSON-escaped, URL-encoded and
 *   base64 (standard and URL-safe, with or without padding); every character an occurrence
 *   covers is replaced, even where two secrets overlap. A number (`4822`) is replaced where it
 *   stands as a word of its own, never inside a longer run of digits or letters (a run id).
 * - **Whole values.** A secret of any length (`"sk"`, `4`, a number made from a secret PIN)
 *   replaces a value that equals it as a whole: a string, a number or a map key of the data a
 *   record carries (its `inputs`, `outputs`, `requests`, `request`, a plan's `values`, a
 *   page's `list`). Structure (`attempts`, `stepId`, `timeMs`) is never touched: a short
 *   secret would otherwise blank out a count.
 * - **Names are not values.** A record's own keys and its identifiers (`type`, `stepId`,
 *   `status`, `code`…, see {@link NAME_KEYS}) are never redacted, nor is the sealed copy of
 *   outputs: a piece of a secret (`tep`) would otherwise turn `step-finished` into
 *   `s***-finished` and `stepId` into `s***Id`, a record nobody can read back. A key of data is
 *   redacted when it is a secret, or holds one, unless it is one of the `names` the redactor
 *   was given: names the workflow's author wrote (step ids, inputs, `set:` and `outputs:`
 *   names, even one that equals a piece of a secret: the file shows it anyway) and the
 *   catalog's field names, which no secret makes.
 * - **Error messages.** In a `message`, any run of {@link FRAGMENT} characters or more that is
 *   part of a secret is replaced (an API that quotes the first 40 characters of a value), and so
 *   is a short secret standing as a word of its own (`'sk'`, `=4`), as it is, JSON-escaped or
 *   URL-encoded (a secret `"` quoted as `"\""` leaves no `\`).
 *
 * @module
 */

import { REDACTED } from "./redact.ts";

/** Secrets shorter than this are found as whole values, never inside text. */
export const MIN_TEXT_SECRET = 3;

/** In an error message, a run of this many characters of a secret is redacted. */
export const FRAGMENT = 6;

/** Keys of a record whose values are data, where whole values are compared. */
const DATA_KEYS = new Set(["inputs", "outputs", "requests", "request", "values", "list"]);

/**
 * Keys of a record whose string values are names, never a secret's text: event types, ids,
 * statuses, codes, the workflow and its file.
 */
const NAME_KEYS = new Set([
  "type",
  "stepId",
  "stepIds",
  "id",
  "run_id",
  "runId",
  "kind",
  "status",
  "reason",
  "workflow",
  "file",
  "action",
  "code",
  "requestId",
  "pagedPath",
]);

/** Keys of a record whose value is kept as it is: the encrypted copy of redacted outputs. */
const OPAQUE_KEYS = new Set(["sealed"]);

/** What is redacted: a record (events, results), data as a whole, or an error message. */
export type Place = "record" | "data" | "message";

/**
 * The forms a secret's text is quoted in: as it is, JSON-escaped, URL-encoded, base64
 * (standard and URL-safe, padded and not). Only forms of {@link MIN_TEXT_SECRET} characters
 * or more.
 *
 * @example
 * ```ts
 * import { quotedForms } from "./redaction.ts";
 * quotedForms('a"b c'); // ['a"b c', 'a\\"b c', "a%22b%20c", "YSJiIGM=", "YSJiIGM"]
 * ```
 */
export function quotedForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  let binary = "";
  for (const byte of new TextEncoder().encode(secret)) binary += String.fromCharCode(byte);
  const b64 = btoa(binary);
  for (const form of [b64, b64.replace(/=+$/, "")]) {
    forms.add(form);
    forms.add(form.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms].filter((form) => form.length >= MIN_TEXT_SECRET);
}

/**
 * A redactor for a fixed set of secrets (see the module doc for the three rules). `whole`
 * holds every secret's text (numbers as their decimal text); those of 3 characters or more are
 * also searched in text.
 *
 * @example
 * ```ts
 * import { secretRedactor } from "./redaction.ts";
 * const redact = secretRedactor(["sk-live-9f8e", "sk", "1235"]);
 * redact({ attempts: 1235, outputs: { a: "sk", b: 1235, c: "x sk-live-9f8e" } });
 * // { attempts: 1235, outputs: { a: "***", b: "***", c: "x ***" } }
 * ```
 */
export function secretRedactor(
  whole: Iterable<string>,
  names: ReadonlySet<string> = new Set(),
): (value: unknown, place?: Place) => unknown {
  const exact = new Set([...whole].filter((s) => s !== ""));
  const isNumber = (s: string) => NUMBER.test(s);
  const texts = [...exact].filter((s) => s.length >= MIN_TEXT_SECRET && !isNumber(s));
  const forms = [...new Set(texts.flatMap(quotedForms))].sort((a, b) => b.length - a.length);
  const shorts = [...exact].filter((s) => s.length < MIN_TEXT_SECRET);
  const numbers = [...exact].filter((s) => s.length >= MIN_TEXT_SECRET && isNumber(s));
  if (exact.size === 0) return (value) => value;
  const byForms = textRedactor(forms);
  // A number is found as a number of its own, never inside a longer run of digits or letters
  // (a run id, a time): `4822` in `got integer 4822` but not in `20261204T174822Z`.
  const numberWord = wordPattern(numbers);
  const text = (s: string) =>
    numberWord === undefined ? byForms(s) : byForms(s).replace(numberWord, REDACTED);
  // Numbers too: a run must reach across a number that ends a longer secret (`key-8910`).
  const fragments = fragmentFinder([
    ...new Set(
      [...texts, ...numbers].flatMap((
        s,
      ) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]),
    ),
  ]);
  // A short secret is quoted by an API in its JSON-escaped or URL-encoded form too (`"` as
  // `\"`): the longer form goes first, or its escape character would be left in clear.
  const shortWord = wordPattern([
    ...new Set(shorts.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])),
  ]);
  const message = (s: string) => {
    // Pieces first, on the text as it came: a value cut to a length is one run of a secret,
    // which shorter secrets inside it must not split.
    const redacted = text(fragments(s));
    return shortWord === undefined ? redacted : redacted.replace(shortWord, REDACTED);
  };
  // A key of data: a secret as a whole, or holding one, unless it is a name (see the module doc).
  const dataKey = (name: string) =>
    names.has(name) ? name : exact.has(name) ? REDACTED : text(name);
  const walk = (value: unknown, data: boolean, key: string | undefined): unknown => {
    if (typeof value === "string") {
      if (data) return exact.has(value) ? REDACTED : text(value);
      if (key === "message") return message(value);
      return key !== undefined && NAME_KEYS.has(key) ? value : text(value);
    }
    if (typeof value === "number" || typeof value === "bigint") {
      return data && exact.has(String(value)) ? REDACTED : value;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, data, key));
    if (value !== null && typeof value === "object" && isPlain(value)) {
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        if (!data && OPAQUE_KEYS.has(name)) {
          out[name] = item;
          continue;
        }
        out[data ? dataKey(name) : name] = walk(item, data || DATA_KEYS.has(name), name);
      }
      return out;
    }
    return value;
  };
  return (value, place = "record") =>
    place === "message" && typeof value === "string"
      ? message(value)
      : walk(value, place === "data", undefined);
}

/** A number, as a secret's text: found as a word of its own. */
const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

/** Any of `words` standing alone: not next to a letter or a digit. */
function wordPattern(words: string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const sorted = [...words].sort((a, b) => b.length - a.length).map(escape).join("|");
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted})(?![\\p{L}\\p{N}])`, "gu");
}

/**
 * Replaces every character of a text that an occurrence of one of `forms` covers (occurrences
 * may overlap: `id=` and `id=Z4`…, or two secrets side by side), each covered run by one `***`.
 */
function textRedactor(forms: string[]): (text: string) => string {
  if (forms.length === 0) return (text) => text;
  const any = new RegExp(forms.map(escape).join("|"));
  return (text) => {
    if (!any.test(text)) return text;
    const covered = new Uint8Array(text.length);
    for (const form of forms) {
      for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) {
        covered.fill(1, at, at + form.length);
      }
    }
    let out = "";
    for (let i = 0; i < text.length; i++) {
      if (covered[i] === 0) out += text[i];
      else if (i === 0 || covered[i - 1] === 0) out += REDACTED;
    }
    return out;
  };
}

/**
 * Replaces, in a text, every run of {@link FRAGMENT} characters or more that occurs in one of
 * `secrets` (longest runs first, greedily from the left).
 */
function fragmentFinder(secrets: string[]): (text: string) => string {
  const starts = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + FRAGMENT <= secret.length; i++) starts.add(secret.slice(i, i + FRAGMENT));
  }
  if (starts.size === 0) return (text) => text;
  const inSecret = (piece: string) => secrets.some((secret) => secret.includes(piece));
  return (text) => {
    let out = "";
    let i = 0;
    while (i < text.length) {
      if (i + FRAGMENT <= text.length && starts.has(text.slice(i, i + FRAGMENT))) {
        let end = i + FRAGMENT;
        while (end < text.length && inSecret(text.slice(i, end + 1))) end++;
        out += REDACTED;
        i = end;
      } else {
        out += text[i];
        i++;
      }
    }
    return out;
  };
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
