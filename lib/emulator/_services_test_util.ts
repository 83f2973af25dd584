/**
 * Test helpers for the emulated services: a deterministic {@link CallContext}, and a `call`
 * that checks every answer against the catalog — response fields and their types must be
 * the documented ones, and every error code must be documented for the action (or be one
 * of Tencent's common codes).
 *
 * @module
 */

import {
  findAction,
  findStructure,
  isScalarType,
  parseTypeName,
  serviceVersion,
} from "../catalog/catalog.ts";
import { ApiError, type CallContext, type ServiceEmulator } from "./service.ts";

/** A call context whose clock (`nowMs`) tests may move. */
export interface TestContext extends CallContext {
  nowMs: number;
}

/** A deterministic context: fixed clock, mulberry32 randomness, counting ids. */
export function testContext(
  opts: { nowMs?: number; region?: string; seed?: number } = {},
): TestContext {
  let state = opts.seed ?? 42;
  let counter = 0;
  const ctx: TestContext = {
    region: opts.region ?? "ap-guangzhou",
    secretId: "AKIDTCFLOWDEMO0000000000000000000000",
    action: "",
    version: "",
    nowMs: opts.nowMs ?? Date.UTC(2026, 10, 23, 10, 0, 0),
    now: () => ctx.nowMs,
    random() {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    newId: (prefix) => `${prefix}t${String(++counter).padStart(7, "0")}`,
  };
  return ctx;
}

/** Codes any action may answer (Tencent's common error codes). */
const COMMON =
  /^(MissingParameter|UnknownParameter|InvalidParameter|InvalidParameterValue|InternalError|UnsupportedOperation|ResourceNotFound|FailedOperation|LimitExceeded)$/;

/** Where `value` does not match catalog type `type` of `service`/`version`: a list of problems. */
export function conformance(
  service: string,
  version: string,
  type: string,
  value: unknown,
  path: string,
): string[] {
  if (value === null) return [];
  const { base, depth } = parseTypeName(type);
  if (depth > 0) {
    if (!Array.isArray(value)) return [`${path}: expected ${type}, got ${typeof value}`];
    const inner = base + "[]".repeat(depth - 1);
    return value.flatMap((v, i) => conformance(service, version, inner, v, `${path}[${i}]`));
  }
  if (isScalarType(base)) {
    const t = typeof value;
    const ok = base === "String" || base === "Timestamp" || base === "Binary"
      ? t === "string"
      : base === "Integer"
      ? (t === "number" && Number.isInteger(value)) || t === "bigint"
      : base === "Float" || base === "Number"
      ? t === "number" || t === "bigint"
      : base === "Boolean"
      ? t === "boolean"
      : true;
    return ok ? [] : [`${path}: expected ${base}, got ${t} ${JSON.stringify(value)}`];
  }
  const structure = findStructure(service, version, base);
  if (!structure) return [`${path}: unknown structure ${base}`];
  if (typeof value !== "object" || Array.isArray(value)) {
    return [`${path}: expected ${base}, got ${typeof value}`];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const field = structure.fields.find((f) => f.name === k);
    return field
      ? conformance(service, version, field.type, v, `${path}.${k}`)
      : [`${path}.${k}: not a field of ${base}`];
  });
}

/**
 * True when `code` is documented for the action, is a common code, or is a `ResourceNotFound.*`
 * code the service version documents elsewhere (a lookup of a resource the action takes).
 */
function documentedCode(
  emu: ServiceEmulator,
  errors: Record<string, string> | undefined,
  code: string,
): boolean {
  if (COMMON.test(code) || (errors !== undefined && Object.hasOwn(errors, code))) return true;
  if (!code.startsWith("ResourceNotFound.")) return false;
  const sv = serviceVersion(emu.service, emu.version);
  return Object.values(sv?.actions ?? {}).some((a) =>
    a.errors !== undefined && Object.hasOwn(a.errors, code)
  );
}

/**
 * Calls `action` of `emu` and checks the answer against the catalog (see module doc).
 * Returns the response; rethrows the action's {@link ApiError} after checking its code.
 */
export async function call(
  emu: ServiceEmulator,
  action: string,
  params: Record<string, unknown>,
  ctx: CallContext,
): Promise<Record<string, unknown>> {
  const spec = findAction(emu.service, action, emu.version);
  if (!spec) throw new Error(`${emu.service}.${action} is not in the catalog`);
  const handler = emu.actions[action];
  if (!handler) throw new Error(`${emu.service}.${action} is not emulated`);
  ctx.action = action;
  ctx.version = emu.version;
  let response: Record<string, unknown>;
  try {
    response = await handler(params, ctx);
  } catch (e) {
    if (e instanceof ApiError) {
      if (!documentedCode(emu, spec.errors, e.code)) {
        throw new Error(`${action} answered ${e.code}, which the catalog does not document for it`);
      }
    }
    throw e;
  }
  const problems = Object.entries(response).flatMap(([k, v]) => {
    const field = spec.outputs.find((f) => f.name === k);
    return field
      ? conformance(emu.service, emu.version, field.type, v, k)
      : [`${k}: not an output of ${action}`];
  });
  if (problems.length > 0) {
    throw new Error(`${action} response does not match the catalog:\n${problems.join("\n")}`);
  }
  return response;
}

/** Calls `action` expecting an {@link ApiError} with `code`; returns its message. */
export async function callError(
  emu: ServiceEmulator,
  action: string,
  params: Record<string, unknown>,
  ctx: CallContext,
  code: string,
): Promise<string> {
  try {
    await call(emu, action, params, ctx);
  } catch (e) {
    if (e instanceof ApiError && e.code === code) return e.message;
    throw new Error(
      `${action}: expected ${code}, got ${e instanceof ApiError ? e.code : String(e)}`,
    );
  }
  throw new Error(`${action}: expected ${code}, but it succeeded`);
}
