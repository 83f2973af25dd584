/**
 * The emulated host-security service yunjing (2018-02-28): `DescribeOpenPorts` over seeded
 * open ports: `Uuid` (one machine) and/or `Port` (one port), `Filters` `Port`, `ProcessName`
 * (substring) and `MachineIp`, Offset/Limit paging (default 10, at most 100) with `TotalCount`.
 *
 * The seed says "Port和Uuid必填其一" (give one of them). The emulator is lenient there: with
 * neither, it lists every open port of the account, which is what an audit needs (there is no
 * machine listing to iterate over). An empty `Uuid` counts as absent.
 *
 * @module
 */

import { checkWindow } from "./_list.ts";
import { ApiError, type ServiceEmulator } from "./service.ts";
import { demoYunjingState, type OpenPortRec, type YunjingState } from "./yunjing_data.ts";

const FILTERS = ["Port", "ProcessName", "MachineIp"];

function intParam(params: Record<string, unknown>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new ApiError(
    "InvalidParameter.InvalidFormat",
    `${name} must be an integer: got ${String(v)}`,
  );
}

/** Reads `Filters` into name → accepted values (values of one name are OR-ed, names AND-ed). */
function readFilters(params: Record<string, unknown>): Map<string, string[]> {
  const raw = params["Filters"];
  const out = new Map<string, string[]>();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) {
    throw new ApiError("InvalidParameter.InvalidFormat", "Filters must be a list");
  }
  for (const f of raw as Array<{ Name?: unknown; Values?: unknown }>) {
    const name = f?.Name;
    if (typeof name !== "string" || !FILTERS.includes(name)) {
      throw new ApiError(
        "InvalidParameter.InvalidFormat",
        `Filter name ${String(name)} is not supported: use one of ${FILTERS.join(", ")}`,
      );
    }
    const values = Array.isArray(f.Values) ? f.Values.map(String) : [];
    if (name === "Port" && values.some((v) => !/^\d+$/.test(v))) {
      throw new ApiError(
        "InvalidParameter.InvalidFormat",
        `Filter Port values must be port numbers: got ${values.join(", ")}`,
      );
    }
    out.set(name, [...(out.get(name) ?? []), ...values]);
  }
  return out;
}

function describeOpenPorts(state: YunjingState, params: Record<string, unknown>) {
  const uuid = params["Uuid"];
  if (uuid !== undefined && typeof uuid !== "string") {
    throw new ApiError("InvalidParameter.InvalidFormat", "Uuid must be a string");
  }
  const port = intParam(params, "Port");
  const offset = intParam(params, "Offset") ?? 0;
  const limit = intParam(params, "Limit") ?? 10;
  checkWindow({ offset, limit, maxLimit: 100, code: "InvalidParameter.InvalidFormat" });
  const filters = readFilters(params);
  const ports = filters.get("Port");
  const processes = filters.get("ProcessName");
  const ips = filters.get("MachineIp");
  const found = state.openPorts.filter((p) =>
    (uuid === undefined || uuid === "" || p.Uuid === uuid) &&
    (port === undefined || p.Port === port) &&
    (ports === undefined || ports.includes(String(p.Port))) &&
    (processes === undefined ||
      processes.some((v) => p.ProcessName.toLowerCase().includes(v.toLowerCase()))) &&
    (ips === undefined || ips.includes(p.MachineIp))
  ).sort((a, b) => a.Id - b.Id);
  return {
    TotalCount: found.length,
    OpenPorts: found.slice(offset, offset + limit).map((p) => ({ ...p })),
  };
}

function toState(data: unknown): YunjingState {
  const list = (data as { openPorts?: unknown } | null)?.openPorts;
  if (typeof data !== "object" || data === null || !Array.isArray(list)) {
    throw new TypeError("yunjing data must be { openPorts: [...] } (as returned by snapshot())");
  }
  return { openPorts: structuredClone(list) as OpenPortRec[] };
}

/**
 * Creates the emulated yunjing service with the built-in demo open ports.
 *
 * @example
 * ```ts
 * const yj = createYunjingEmulator();
 * yj.service; // "yunjing"
 * ```
 */
export function createYunjingEmulator(): ServiceEmulator {
  let state = demoYunjingState();
  return {
    service: "yunjing",
    version: "2018-02-28",
    actions: {
      DescribeOpenPorts: (params) => describeOpenPorts(state, params),
    },
    snapshot: () => structuredClone(state),
    load(data) {
      state = data === undefined ? demoYunjingState() : toState(data);
    },
  };
}
