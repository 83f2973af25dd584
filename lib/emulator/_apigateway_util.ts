/**
 * Private helpers of the emulated API Gateway: reading parameters, paging, filters, times.
 *
 * @module
 */

import { checkWindow } from "./_list.ts";
import { ApiError, type CallContext } from "./service.ts";
import type { ApigatewayStore, ApiRec, ServiceRec, UsagePlanRec } from "./apigateway_data.ts";

/** A `Filter` of the request (`{Name, Values}`). */
export interface Filter {
  Name: string;
  Values: string[];
}

/** The environments every API Gateway service has. */
export const ENVIRONMENTS = ["test", "prepub", "release"] as const;

/** Reads an optional string parameter. */
export function optStr(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    throw new ApiError("InvalidParameter.FormatError", `${name} must be a string: got ${typeof v}`);
  }
  return v;
}

/** Reads a required string parameter (`MissingParameter` when absent). */
export function reqStr(params: Record<string, unknown>, name: string): string {
  const v = optStr(params, name);
  if (v === undefined) throw new ApiError("MissingParameter", `The parameter ${name} is missing`);
  return v;
}

/** Reads an optional integer parameter (number or bigint) as a number. */
export function optInt(params: Record<string, unknown>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw new ApiError(
    "InvalidParameter.FormatError",
    `${name} must be an integer: got ${String(v)}`,
  );
}

/** Reads an optional boolean parameter. */
export function optBool(params: Record<string, unknown>, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new ApiError("InvalidParameter.FormatError", `${name} must be a boolean: got ${String(v)}`);
}

/** Reads an optional list of strings. */
export function optStrList(params: Record<string, unknown>, name: string): string[] | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new ApiError("InvalidParameter.FormatError", `${name} must be a list of strings`);
  }
  return v as string[];
}

/** Reads a required list of strings. */
export function reqStrList(params: Record<string, unknown>, name: string): string[] {
  const v = optStrList(params, name);
  if (v === undefined) throw new ApiError("MissingParameter", `The parameter ${name} is missing`);
  return v;
}

/** Reads an optional list of plain objects (structures). */
export function optObjList(
  params: Record<string, unknown>,
  name: string,
): Record<string, unknown>[] | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "object" || x === null || Array.isArray(x))) {
    throw new ApiError("InvalidParameter.FormatError", `${name} must be a list of structures`);
  }
  return v as Record<string, unknown>[];
}

/** Reads an optional structure. */
export function optObj(
  params: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new ApiError("InvalidParameter.FormatError", `${name} must be a structure`);
  }
  return v as Record<string, unknown>;
}

/** Tags as `{Key, Value}` structures (the request's `Tags`). */
export function readTags(params: Record<string, unknown>): Array<{ Key: string; Value: string }> {
  return (optObjList(params, "Tags") ?? []).map((t) => ({
    Key: String(t["Key"] ?? ""),
    Value: String(t["Value"] ?? ""),
  }));
}

/** Reads `Filters` and rejects names outside `supported` with the documented code. */
export function readFilters(
  params: Record<string, unknown>,
  supported: readonly string[],
): Filter[] {
  const raw = optObjList(params, "Filters") ?? [];
  return raw.map((f) => {
    const name = f["Name"];
    const values = f["Values"];
    if (typeof name !== "string") {
      throw new ApiError("InvalidParameter.FormatError", "Filters.Name must be a string");
    }
    if (!supported.includes(name)) {
      throw new ApiError(
        "InvalidParameterValue.InvalidFilterNotSupportedName",
        `Filter name ${name} is not supported: use one of ${supported.join(", ") || "(none)"}`,
      );
    }
    const list = Array.isArray(values)
      ? values.map(String)
      : values === undefined
      ? []
      : [String(values)];
    return { Name: name, Values: list };
  });
}

/** The values of filter `name`, or undefined when the request has no such filter. */
export function filterValues(filters: Filter[], name: string): string[] | undefined {
  const found = filters.filter((f) => f.Name === name);
  if (found.length === 0) return undefined;
  return found.flatMap((f) => f.Values);
}

/** True when `value` equals one of `values`, or there is no such filter. */
export function matchExact(filters: Filter[], name: string, value: string): boolean {
  const values = filterValues(filters, name);
  return values === undefined || values.includes(value);
}

/** True when `value` contains one of `values` (case-insensitive), or there is no such filter. */
export function matchFuzzy(filters: Filter[], name: string, ...fields: string[]): boolean {
  const values = filterValues(filters, name);
  if (values === undefined) return true;
  return values.some((v) => fields.some((f) => f.toLowerCase().includes(v.toLowerCase())));
}

/** One page of `items` from the request's `Offset`/`Limit` (default limit and maximum). */
export function page<T>(
  items: T[],
  params: Record<string, unknown>,
  opts: { defaultLimit?: number; maxLimit?: number } = {},
): T[] {
  const offset = optInt(params, "Offset") ?? 0;
  const limit = optInt(params, "Limit") ?? opts.defaultLimit ?? 20;
  checkWindow({ offset, limit, maxLimit: opts.maxLimit ?? 100 });
  return items.slice(offset, offset + limit);
}

/** The emulator clock as Tencent's ISO time without milliseconds (`2020-02-17T11:26:42Z`). */
export function isoNow(ctx: CallContext): string {
  return new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A random lowercase alphanumeric string of `length` from the emulator's seed. */
export function randomText(
  ctx: CallContext,
  length: number,
  alphabet = "abcdefghijklmnopqrstuvwxyz0123456789",
): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(ctx.random() * alphabet.length)];
  return out;
}

/** Checks that `env` is one of the service environments. */
export function checkEnv(env: string, code = "InvalidParameterValue"): void {
  if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new ApiError(code, `Environment ${env} is not one of ${ENVIRONMENTS.join(", ")}`);
  }
}

/** Checks that `value` is one of `options` (`InvalidParameterValue.NotInOptions`). */
export function checkOption(
  name: string,
  value: string,
  options: readonly string[],
  code = "InvalidParameterValue.NotInOptions",
): void {
  if (!options.includes(value)) {
    throw new ApiError(
      code,
      `${name} must be one of ${options.join(", ")}: got ${value}`,
    );
  }
}

/**
 * True when a regional resource is visible from the call's region: same region, or the call
 * or the record names none (records loaded without `Region` are visible everywhere).
 */
export function inRegion(rec: { Region?: string }, ctx: CallContext): boolean {
  return ctx.region === "" || !rec.Region || rec.Region === ctx.region;
}

/** The service `id` in the call's region, or `ResourceNotFound.InvalidService`. */
export function getService(store: ApigatewayStore, ctx: CallContext, id: string): ServiceRec {
  const found = store.state.services.find((s) => s.ServiceId === id && inRegion(s, ctx));
  if (!found) {
    throw new ApiError(
      "ResourceNotFound.InvalidService",
      `Service ${id} does not exist in region ${ctx.region || "(none)"}`,
    );
  }
  return found;
}

/** The API `apiId` of service `serviceId`, or `ResourceNotFound.InvalidApi`. */
export function getApi(store: ApigatewayStore, serviceId: string, apiId: string): ApiRec {
  const found = store.state.apis.find((a) => a.ApiId === apiId && a.ServiceId === serviceId);
  if (!found) {
    throw new ApiError(
      "ResourceNotFound.InvalidApi",
      `API ${apiId} does not exist in service ${serviceId}`,
    );
  }
  return found;
}

/** The usage plan `id` in the call's region, or `ResourceNotFound.InvalidUsagePlan`. */
export function getPlan(store: ApigatewayStore, ctx: CallContext, id: string): UsagePlanRec {
  const found = store.state.usagePlans.find((p) => p.UsagePlanId === id && inRegion(p, ctx));
  if (!found) {
    throw new ApiError("ResourceNotFound.InvalidUsagePlan", `Usage plan ${id} does not exist`);
  }
  return found;
}
