/**
 * The secrets of a run: the values given (secret inputs, keys, tokens), the values derived from
 * them while it runs, and the credentials APIs answer. An expression that makes new text from a
 * secret (`inputs.key.upperAscii()`, `bytes(inputs.key)`; see `derivesSecret`) makes its value a
 * secret too, and so does a response field named like a credential ({@link credentialsIn}),
 * before anything is sent, emitted or journaled, so that they are redacted like the originals.
 *
 * @module
 */
import { toOutput } from "./expr/evaluate.ts";
import { EACH, type Holds, taintOf } from "./expr/taint.ts";
import { REDACTED } from "./redact.ts";
import { catalogCredentialsIn } from "./catalog/credentials.ts";
import type { ActionSpec } from "./catalog/types.ts";
import { MIN_TEXT_SECRET, type Place, secretRedactor } from "./redaction.ts";

/**
 * A growing set of secret values with its redactor (`lib/redaction.ts`): those of 3 characters
 * or more are found inside any text, every one (any length, numbers as their decimal text)
 * where a value of the data equals it as a whole.
 *
 * @example
 * ```ts
 * import { SecretSet } from "./secrets.ts";
 * const secrets = new SecretSet(["s3cr3t"]);
 * secrets.add(["S3CR3T", "s3"]);
 * secrets.redact({ outputs: { Key: "id:S3CR3T", Part: "s3" } }); // { outputs: { Key: "id:***", Part: "***" } }
 * ```
 */
export class SecretSet {
  #values = new Set<string>();
  #names = new Set<string>();
  #redact: (value: unknown, place?: Place) => unknown = (value) => value;

  /** A set holding `initial`. */
  constructor(initial: Iterable<string> = []) {
    this.add(initial);
  }

  /** How many secrets the set holds. */
  get size(): number {
    return this.#values.size;
  }

  /** Adds values (the empty string is ignored: it reveals nothing). */
  add(values: Iterable<string>): void {
    let added = false;
    for (const value of values) {
      if (value !== "" && !this.#values.has(value)) {
        this.#values.add(value);
        added = true;
      }
    }
    if (added) this.#redact = secretRedactor(this.#values, this.#names);
  }

  /**
   * Adds names that are never redacted as keys of data: names the workflow's author wrote (step
   * ids, inputs, `set:` and `outputs:` names) and the catalog's field names. A value is still
   * redacted under them; a key that is a secret as a whole still is too.
   */
  addNames(names: Iterable<string>): void {
    let added = false;
    for (const name of names) {
      if (name !== "" && !this.#names.has(name)) {
        this.#names.add(name);
        added = true;
      }
    }
    if (added && this.#values.size > 0) {
      this.#redact = secretRedactor(this.#values, this.#names);
    }
  }

  /**
   * A deep copy of `value` with every secret replaced by `***`: `value` is a record (events,
   * results: whole values are compared only under `inputs`, `outputs`, `requests`, `request`,
   * `values`, `list`),
   * data as a whole, or an error message (see `lib/redaction.ts`).
   */
  redact<T>(value: T, place: Place = "record"): T {
    return this.#redact(value, place) as T;
  }

  /** Whether a secret occurs in `value` (in a string or a key, at any depth), or is one whole. */
  occursIn(value: unknown): boolean {
    return this.holds(value) !== "nothing";
  }

  /**
   * How `value` holds a secret: `"whole"` when one of its numbers, or one of its strings or
   * keys shorter than 3 characters, is a secret (found only as a whole value: joining it into
   * text or arithmetic hides it), `"copy"` when a secret of 3 characters or more occurs in one
   * of its strings or keys, else `"nothing"`.
   */
  holds(value: unknown): Holds {
    if (this.#values.size === 0) return "nothing";
    let found: Holds = "nothing";
    for (const { text, number } of leavesIn(value)) {
      if (this.#values.has(text) && (number || text.length < MIN_TEXT_SECRET)) return "whole";
      if (found !== "nothing" || number) continue;
      for (const secret of this.#values) {
        if (secret.length < MIN_TEXT_SECRET || !text.includes(secret)) continue;
        // A number is found only as a word of its own: inside other text it must derive.
        if (NUMBER_TEXT.test(secret)) return "whole";
        found = "copy";
        break;
      }
    }
    return found;
  }
}

/** A secret that is a number (found as a word of its own, see `lib/redaction.ts`). */
const NUMBER_TEXT = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

/**
 * What the engine calls after evaluating each `${{ }}` of a step or of the workflow's
 * `outputs:`: the expression's source, its value, and the names it was evaluated with.
 */
export type ValueObserver = (source: string, value: unknown, vars: Record<string, unknown>) => void;

/**
 * An observer that adds to `secrets` every string and number of a value whose expression makes
 * new text or numbers from a secret (see `taintOf`), whatever their length, even when they hold
 * a secret already known (`"sk-"` then the rest). Values that hold a secret as it was are left
 * out: redacting that secret already covers them.
 */
export function secretDeriver(secrets: SecretSet): ValueObserver {
  return (source, value, vars) => {
    if (secrets.size === 0) return;
    // As it is sent and recorded (bytes as base64, timestamps as text), and as evaluated.
    const leaves = [
      ...new Set(leavesIn(toOutput(value)).map((leaf) => leaf.text)),
    ];
    if (leaves.length === 0) return;
    if (taintOf(source, (path) => secrets.holds(valuesAt(vars, path))) === "derived") {
      secrets.add(leaves);
    }
  };
}

/**
 * The values at a member path of the names in scope (`EACH`, `"*"`, fans out over a list's
 * elements or a map's keys); a missing name gives none.
 *
 * @example
 * ```ts
 * import { valuesAt } from "./secrets.ts";
 * valuesAt({ steps: { a: { outputs: { Data: [{ N: 1 }, { N: 2 }] } } } }, ["steps", "a", "outputs", "Data", "*", "N"]);
 * // [1, 2]
 * ```
 */
export function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [value];
  const [name, ...rest] = path as [string, ...string[]];
  if (value === null || typeof value !== "object") return [];
  if (name === EACH) {
    const each = Array.isArray(value) ? value : Object.keys(value);
    return each.flatMap((item) => valuesAt(item, rest));
  }
  if (!Object.hasOwn(value, name)) return [];
  return valuesAt((value as Record<string, unknown>)[name], rest);
}

/**
 * Whether the redaction mark `***` is in a value (a string or a key, at any depth).
 *
 * @example
 * ```ts
 * import { holdsRedaction } from "./secrets.ts";
 * holdsRedaction({ Remark: "key=***" }); // true
 * ```
 */
export function holdsRedaction(value: unknown): boolean {
  return stringsIn(value).some((text) => text.includes(REDACTED));
}

/** Every string, number and map key of a value, as text. */
function leavesIn(value: unknown): Array<{ text: string; number: boolean }> {
  if (typeof value === "string") return [{ text: value, number: false }];
  if (typeof value === "number" || typeof value === "bigint") {
    return [{ text: String(value), number: true }];
  }
  if (Array.isArray(value)) return value.flatMap(leavesIn);
  if (isContainer(value)) {
    return Object.entries(value).flatMap((
      [key, item],
    ) => [{ text: key, number: false }, ...leavesIn(item)]);
  }
  return [];
}

function isContainer(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Every string in a value (map keys included). */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => [key, ...stringsIn(item)]);
  }
  return [];
}

/**
 * Name endings of response fields that hold a credential: Tencent Cloud's `AccessKeySecret`,
 * `SecretKey`, `Password`, `PrivateKey`, `SessionToken`, Huawei Cloud's `password`,
 * `private_key` (compared in lower case, without `_` and `-`).
 */
const CREDENTIAL_ENDINGS = ["secret", "secretkey", "password", "passwd", "privatekey", "token"];

/** Fields with those endings that are not credentials: paging and idempotency tokens. */
const NOT_CREDENTIALS = new Set(["nexttoken", "pagetoken", "clienttoken", "continuationtoken"]);

/**
 * The credentials an API answered: the text of every field, at any depth, whose name says it
 * holds one (`Result.AccessKeySecret` of `apigateway.CreateApiKey`, a `Password`, a
 * `PrivateKey`), and, given the action's `spec`, of every field the catalog marks secret from
 * its documentation (CAM's `SecretAccessKey`, `DevicePsk`, `SecretValue`, `ApiKey` …; see
 * `lib/catalog/data/secret_fields.json`). A run makes them secrets as the answer arrives:
 * later steps still read them, output, events and the journal show `***`.
 *
 * @example
 * ```ts
 * import { credentialsIn } from "./secrets.ts";
 * credentialsIn({ Result: { AccessKeyId: "AKID1", AccessKeySecret: "s3cr3t-value" } });
 * // ["s3cr3t-value"]
 * ```
 */
export function credentialsIn(value: unknown, spec?: ActionSpec): string[] {
  const found: string[] = catalogCredentialsIn(spec, value);
  const walk = (item: unknown, name: string | undefined): void => {
    if (typeof item === "string") {
      if (name !== undefined && isCredentialName(name)) found.push(item);
    } else if (Array.isArray(item)) {
      for (const element of item) walk(element, name);
    } else if (item !== null && typeof item === "object") {
      for (const [key, field] of Object.entries(item)) walk(field, key);
    }
  };
  walk(value, undefined);
  return found;
}

function isCredentialName(name: string): boolean {
  const plain = name.toLowerCase().replace(/[_-]/g, "");
  return !NOT_CREDENTIALS.has(plain) && CREDENTIAL_ENDINGS.some((end) => plain.endsWith(end));
}

/**
 * The strings of `real` that redaction changed in `redacted` (its copy with secrets as `***`),
 * keys included: opening sealed outputs in a later session makes them secrets again, derived
 * ones too.
 *
 * @example
 * ```ts
 * import { secretsRevealed } from "./secrets.ts";
 * secretsRevealed({ A: "Bearer ***", B: "plain" }, { A: "Bearer tok-1", B: "plain" });
 * // ["Bearer tok-1"]
 * ```
 */
export function secretsRevealed(redacted: unknown, real: unknown): string[] {
  if (typeof real === "string") return real !== redacted ? [real] : [];
  if (Array.isArray(real)) {
    const shown = Array.isArray(redacted) ? redacted : [];
    return real.flatMap((item, i) => secretsRevealed(shown[i], item));
  }
  if (real !== null && typeof real === "object") {
    const shown = redacted !== null && typeof redacted === "object" ? Object.entries(redacted) : [];
    return Object.entries(real).flatMap(([key, item], i) => [
      ...(shown[i]?.[0] !== key ? [key] : []),
      ...secretsRevealed(shown[i]?.[1], item),
    ]);
  }
  return [];
}
