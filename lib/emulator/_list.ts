/**
 * Helpers shared by emulated services: Offset/Limit paging, `Filters` parsing, integer reads.
 *
 * @module
 */
import { ApiError } from "./service.ts";

/** Reads an integer parameter (number or bigint) as a number; `fallback` when absent. */
export function intParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  throw new ApiError("InvalidParameterValue", `${name} must be an integer: got ${typeof value}`);
}

/** Reads a string parameter; throws `MissingParameter` when required and absent or empty. */
export function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== "string" || value === "") {
    throw new ApiError(
      "MissingParameter",
      `The request is missing a required parameter \`${name}\`.`,
    );
  }
  return value;
}

/** Offset/Limit paging options. */
export interface PageOptions {
  /** Page size when `Limit` is absent (Tencent's usual default is 20). */
  defaultLimit?: number;
  /** Largest accepted `Limit`. */
  maxLimit?: number;
}

/** One page of `items` following the request's `Offset`/`Limit`, with the total count. */
export function page<T>(
  items: T[],
  params: Record<string, unknown>,
  options: PageOptions = {},
): { TotalCount: number; page: T[] } {
  const offset = intParam(params, "Offset", 0);
  const limit = intParam(params, "Limit", options.defaultLimit ?? 20);
  checkWindow({ offset, limit, maxLimit: options.maxLimit ?? 100 });
  return { TotalCount: items.length, page: items.slice(offset, offset + limit) };
}

/**
 * Checks an `Offset`/`Limit` window: `Offset` at least 0, `Limit` between 0 and `maxLimit`.
 *
 * @throws {ApiError} `code` (default `InvalidParameterValue`) naming the bad value
 */
export function checkWindow(o: {
  offset: number;
  limit: number;
  maxLimit: number;
  code?: string;
}): void {
  const code = o.code ?? "InvalidParameterValue";
  if (o.offset < 0) throw new ApiError(code, `Offset must be >= 0: got ${o.offset}`);
  if (o.limit < 0 || o.limit > o.maxLimit) {
    throw new ApiError(code, `Limit must be between 0 and ${o.maxLimit}: got ${o.limit}`);
  }
}

/** The request's `Filters` (`[{Name, Values}]`) as a map, rejecting names not in `allowed`. */
export function filters(
  params: Record<string, unknown>,
  allowed: readonly string[],
  field = "Filters",
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const list = params[field];
  if (!Array.isArray(list)) return result;
  for (const entry of list) {
    const { Name, Values } = entry as { Name?: unknown; Values?: unknown };
    if (typeof Name !== "string" || !allowed.includes(Name)) {
      throw new ApiError(
        "InvalidParameterValue",
        `${field}.Name \`${String(Name)}\` is not supported here; use one of ${allowed.join(", ")}`,
      );
    }
    const values = Array.isArray(Values) ? Values.map(String) : [];
    result.set(Name, [...(result.get(Name) ?? []), ...values]);
  }
  return result;
}

/** True when `value` contains any of `needles` (case-insensitive), or when `needles` is absent. */
export function fuzzy(value: string, needles: string[] | undefined): boolean {
  if (needles === undefined || needles.length === 0) return true;
  const lower = value.toLowerCase();
  return needles.some((needle) => lower.includes(needle.toLowerCase()));
}

/** True when `value` equals one of `options` (case-insensitive), or when `options` is absent. */
export function oneOf(value: string, options: string[] | undefined): boolean {
  if (options === undefined || options.length === 0) return true;
  return options.some((option) => option.toLowerCase() === value.toLowerCase());
}

/** A deep copy of plain JSON data (bigint kept). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
