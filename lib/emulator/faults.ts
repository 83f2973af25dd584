/**
 * Fault injection for the emulator, reproducible from a seed.
 *
 * A fault spec is a `;`-separated list of `key=value` settings:
 *
 * | key | value | meaning |
 * | --- | --- | --- |
 * | `rate` | probability 0..1 | answer with an error code from `codes` |
 * | `codes` | `Code,Code…` | codes used by `rate` (default `InternalError`), picked uniformly |
 * | `5xx` | `P` or `P:STATUS` | answer with HTTP STATUS (500–599, default 502) and no JSON |
 * | `latency` | `P:DURATION` or `DURATION` | add DURATION (`250ms`, `2s`) with probability P (default 1) |
 * | `cut-before` | probability | drop the connection before the request is applied |
 * | `cut-after` | probability | apply the request, then drop the connection |
 * | `actions` | `Glob,Glob…` | only calls whose action (`Create*`) or `service.Action` matches |
 * | `skip` | integer | spare the first N matching calls |
 * | `times` | integer | inject at most N faults (latency not counted) |
 *
 * Example: `rate=0.2;codes=InternalError,ResourceUnavailable;5xx=0.1;latency=0.1:200ms;`
 * `cut-before=0.05;cut-after=0.05;actions=Create*,Import*`. The probabilities of `cut-before`,
 * `5xx`, `rate` and `cut-after` are exclusive outcomes of one draw and must sum to at most 1.
 * Each matching call draws from a mulberry32 generator seeded with the fault seed, so the
 * same seed and the same sequence of calls give the same faults. Faults apply to calls that
 * passed the signature, rate-limit and parameter checks; latency comes first, then the fault.
 *
 * @module
 */

/** A parsed fault spec. */
export interface FaultSpec {
  /** The spec text as given. */
  source: string;
  errorRate: number;
  codes: string[];
  http5xxRate: number;
  http5xxStatus: number;
  latencyRate: number;
  latencyMs: number;
  cutBeforeRate: number;
  cutAfterRate: number;
  /** Globs over `Action` or `service.Action`; empty = every call. */
  actions: string[];
  skip: number;
  /** Largest number of faults injected; undefined = no limit. */
  times?: number;
}

/** What to do with one call. */
export type Fault =
  | { kind: "none" }
  | { kind: "error"; code: string }
  | { kind: "5xx"; status: number }
  | { kind: "cut-before" }
  | { kind: "cut-after" };

/** The decision for one call: a fault and extra latency. */
export interface FaultDecision {
  fault: Fault;
  latencyMs: number;
}

/** A fault spec that cannot be parsed; the message says what is wrong. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultSpecError";
  }
}

const KEYS = [
  "rate",
  "codes",
  "5xx",
  "latency",
  "cut-before",
  "cut-after",
  "actions",
  "skip",
  "times",
] as const;

function probability(key: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new FaultSpecError(`fault spec: ${key} must be a probability from 0 to 1: got "${text}"`);
  }
  return n;
}

function count(key: string, text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new FaultSpecError(`fault spec: ${key} must be a whole number: got "${text}"`);
  }
  return Number(text);
}

function duration(key: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (match === null) {
    throw new FaultSpecError(
      `fault spec: ${key} duration must look like 250ms or 2s: got "${text}"`,
    );
  }
  return Math.round(Number(match[1]) * (match[2] === "s" ? 1000 : 1));
}

/** Parses a fault spec. Throws {@link FaultSpecError} with a clear message. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {
    source: text,
    errorRate: 0,
    codes: ["InternalError"],
    http5xxRate: 0,
    http5xxStatus: 502,
    latencyRate: 0,
    latencyMs: 0,
    cutBeforeRate: 0,
    cutAfterRate: 0,
    actions: [],
    skip: 0,
  };
  const seen = new Set<string>();
  for (const raw of text.split(";")) {
    const part = raw.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      throw new FaultSpecError(`fault spec: "${part}" is not key=value`);
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new FaultSpecError(
        `fault spec: unknown key "${key}"; known keys: ${KEYS.join(", ")}`,
      );
    }
    if (seen.has(key)) throw new FaultSpecError(`fault spec: "${key}" is given twice`);
    seen.add(key);
    switch (key) {
      case "rate":
        spec.errorRate = probability(key, value);
        break;
      case "codes": {
        const codes = value.split(",").map((c) => c.trim());
        const bad = codes.find((c) => !/^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/.test(c));
        if (bad !== undefined) {
          throw new FaultSpecError(
            `fault spec: codes must be error codes like InternalError or ResourceUnavailable.Busy: got "${bad}"`,
          );
        }
        spec.codes = codes;
        break;
      }
      case "5xx": {
        const [p, status] = value.split(":");
        spec.http5xxRate = probability(key, p ?? "");
        if (status !== undefined) {
          const s = Number(status);
          if (!/^5\d\d$/.test(status) || s < 500) {
            throw new FaultSpecError(`fault spec: 5xx status must be 500 to 599: got "${status}"`);
          }
          spec.http5xxStatus = s;
        }
        break;
      }
      case "latency": {
        const colon = value.indexOf(":");
        spec.latencyRate = colon < 0 ? 1 : probability(key, value.slice(0, colon));
        spec.latencyMs = duration(key, colon < 0 ? value : value.slice(colon + 1));
        break;
      }
      case "cut-before":
        spec.cutBeforeRate = probability(key, value);
        break;
      case "cut-after":
        spec.cutAfterRate = probability(key, value);
        break;
      case "actions": {
        const globs = value.split(",").map((g) => g.trim());
        const bad = globs.find((g) => !/^[A-Za-z0-9_*.]+$/.test(g));
        if (bad !== undefined) {
          throw new FaultSpecError(
            `fault spec: actions are globs like Create* or trocket.Import*: got "${bad}"`,
          );
        }
        spec.actions = globs;
        break;
      }
      case "skip":
        spec.skip = count(key, value);
        break;
      case "times":
        spec.times = count(key, value);
        break;
    }
  }
  const total = spec.errorRate + spec.http5xxRate + spec.cutBeforeRate + spec.cutAfterRate;
  if (total > 1 + 1e-9) {
    throw new FaultSpecError(
      `fault spec: rate + 5xx + cut-before + cut-after must be at most 1: got ${total}`,
    );
  }
  return spec;
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Decides, call by call, which fault to inject. */
export class FaultInjector {
  readonly spec: FaultSpec | undefined;
  readonly seed: number;
  #random: () => number;
  #globs: RegExp[];
  #matched = 0;
  #injected = 0;

  /** `spec` text (or undefined for no faults) and the seed of the draws. */
  constructor(spec: string | undefined, seed = 0) {
    this.spec = spec === undefined || spec.trim() === "" ? undefined : parseFaultSpec(spec);
    this.seed = seed;
    this.#random = mulberry32(seed);
    this.#globs = (this.spec?.actions ?? []).map(globToRegExp);
  }

  /** How many faults were injected so far (latency not counted). */
  get injected(): number {
    return this.#injected;
  }

  /** The fault for a call of `service.action`. */
  decide(service: string, action: string): FaultDecision {
    const spec = this.spec;
    const none: FaultDecision = { fault: { kind: "none" }, latencyMs: 0 };
    if (spec === undefined) return none;
    if (
      this.#globs.length > 0 &&
      !this.#globs.some((g) => g.test(action) || g.test(`${service}.${action}`))
    ) {
      return none;
    }
    // Always the same number of draws per matching call, so a seed replays exactly.
    const draw = this.#random();
    const latencyDraw = this.#random();
    const codeDraw = this.#random();
    this.#matched++;
    if (this.#matched <= spec.skip) return none;
    const latencyMs = latencyDraw < spec.latencyRate ? spec.latencyMs : 0;
    if (spec.times !== undefined && this.#injected >= spec.times) {
      return { fault: { kind: "none" }, latencyMs };
    }
    let edge = spec.cutBeforeRate;
    let fault: Fault = { kind: "none" };
    if (draw < edge) fault = { kind: "cut-before" };
    else if (draw < (edge += spec.http5xxRate)) {
      fault = { kind: "5xx", status: spec.http5xxStatus };
    } else if (draw < (edge += spec.errorRate)) {
      const code = spec.codes[Math.floor(codeDraw * spec.codes.length)] ?? "InternalError";
      fault = { kind: "error", code };
    } else if (draw < (edge += spec.cutAfterRate)) fault = { kind: "cut-after" };
    if (fault.kind !== "none") this.#injected++;
    return { fault, latencyMs };
  }
}
