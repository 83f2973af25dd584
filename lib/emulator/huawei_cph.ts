/**
 * The emulated Huawei Cloud Phone (CPH) API: a `fetch`-shaped handler for Huawei REST requests
 * (`cph.<region>.myhuaweicloud.com`, or any host when the emulator is the `--endpoint-url`).
 *
 * It checks what the real service checks, in the same order: the route (404 `APIGW.0101`), the
 * AK/SK `SDK-HMAC-SHA256` signature, its 15-minute window and the access key (401
 * `APIGW.0301`), the project of the path against the credential's (403 `CPS.0001`), then the
 * query parameters against the catalog — names, integer syntax, ranges (`limit` 1–100),
 * enumerations (400 `CPS.0005`). `ListEncodeServers` applies the `type`, `status` and
 * `server_id` filters, then `offset`/`limit` (default 0/100). Errors have Huawei's body
 * `{error_code, error_msg, request_id}`; every answer carries `X-Request-Id`.
 *
 * @example
 * ```ts
 * import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "./huawei_cph.ts";
 * import { createHuaweiClient } from "../huawei/client.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * const cph = createHuaweiCphEmulator();
 * const client = createHuaweiClient({
 *   deps: { ...systemDeps(), fetch: cph.handle },
 *   region: "cn-north-4",
 *   credential: HUAWEI_DEMO_CREDENTIAL,
 * });
 * const { response } = await client.call("cph.ListEncodeServers", { limit: 10, type: 0 });
 * console.log(response); // { encode_servers: [ … ], count: … }
 * ```
 *
 * @module
 */
import type { ActionSpec, Field } from "../catalog/types.ts";
import { findHuaweiAction } from "../catalog/huawei.ts";
import { verifyHuaweiRequest } from "./verify_huawei.ts";
import { isRecord, stringifyJson } from "../json.ts";
import {
  DEMO_PROJECT_ID,
  type EncodeServerState,
  huaweiCphSeed,
  type HuaweiCphState,
} from "./huawei_cph_data.ts";

/** The built-in demo credential of the Huawei side: it opens the emulator and nothing else. */
export const HUAWEI_DEMO_CREDENTIAL = {
  ak: "HWTCFLOWDEMOAK000000",
  sk: "tcflow-demo-huawei-sk",
  projectId: DEMO_PROJECT_ID,
} as const;

/** Options of {@link createHuaweiCphEmulator}. */
export interface HuaweiCphEmulatorOptions {
  /** Clock in milliseconds (signature window); default `Date.now`. */
  now?: () => number;
  /** Accepted in addition to the demo credential; without `projectId`, any project. */
  credentials?: Array<{ ak: string; sk: string; projectId?: string }>;
  /** Initial state (`{encode_servers: […]}`); default the built-in seed data. @throws {TypeError} on bad data */
  data?: unknown;
  /** Seed of request ids; default 1. */
  seed?: number;
}

/** The emulated CPH service. */
export interface HuaweiCphEmulator {
  /** fetch-shaped handler of Huawei CPH requests. */
  handle(request: Request): Promise<Response>;
  /** Whether a request is for this emulator: a CPH host, a Huawei signature or a CPH path. */
  matches(url: URL, headers: Headers): boolean;
  /** The state as JSON data. */
  snapshot(): HuaweiCphState;
  /** Replaces the state; `undefined` restores the built-in seed data. @throws {TypeError} on bad data */
  load(data: unknown | undefined): void;
}

const ROUTE = /^\/v1\/([^/]+)\/cloud-phone\/encode-servers\/?$/;
const CPH_HOST = /^cph\.[a-z0-9-]+\.myhuaweicloud\.com$/i;
const CPH_PATH = /^\/v1\/[^/]+\/cloud-phone\//;

/** A Huawei error answer as data. */
class CphError extends Error {
  constructor(readonly httpStatus: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Checks seed data: an object with an `encode_servers` list of objects. */
function checkData(data: unknown): HuaweiCphState {
  if (!isRecord(data) || !Array.isArray(data.encode_servers)) {
    throw new TypeError("Huawei CPH emulator data must be {encode_servers: [...]}");
  }
  data.encode_servers.forEach((server, i) => {
    if (!isRecord(server) || typeof server.encode_server_id !== "string") {
      throw new TypeError(`encode_servers[${i}] must be an object with an encode_server_id`);
    }
  });
  return structuredClone(data) as unknown as HuaweiCphState;
}

/** A query value checked against its catalog field; returns the value as a number or string. */
function checkQueryValue(field: Field, text: string): number | string {
  if (field.type === "Integer") {
    if (!/^-?\d+$/.test(text)) {
      throw new CphError(
        400,
        "CPS.0005",
        `Invalid parameter: ${field.name} must be an integer, got "${text}"`,
      );
    }
    const value = Number(text);
    if (
      (field.min !== undefined && value < field.min) ||
      (field.max !== undefined && value > field.max)
    ) {
      throw new CphError(
        400,
        "CPS.0005",
        `Invalid parameter: ${field.name} must be between ${field.min ?? "-∞"} and ${
          field.max ?? "∞"
        }, got ${value}`,
      );
    }
    if (field.enum !== undefined && !field.enum.includes(String(value))) {
      throw new CphError(
        400,
        "CPS.0005",
        `Invalid parameter: ${field.name} must be one of ${field.enum.join(", ")}, got ${value}`,
      );
    }
    return value;
  }
  if (field.max !== undefined && field.type === "String" && text.length > field.max) {
    throw new CphError(
      400,
      "CPS.0005",
      `Invalid parameter: ${field.name} is longer than ${field.max}`,
    );
  }
  return text;
}

/** The query of a request, checked against the spec: unknown, repeated or bad values are 400. */
function checkQuery(spec: ActionSpec, url: URL): Map<string, number | string> {
  const fields = new Map(spec.inputs.map((f) => [f.name, f]));
  const allowed = new Set(spec.http?.queryParams ?? []);
  const values = new Map<string, number | string>();
  for (const [name, text] of url.searchParams) {
    const field = fields.get(name);
    if (!allowed.has(name) || field === undefined) {
      throw new CphError(400, "CPS.0005", `Invalid parameter: unknown query parameter ${name}`);
    }
    if (values.has(name)) {
      throw new CphError(400, "CPS.0005", `Invalid parameter: ${name} is given more than once`);
    }
    values.set(name, checkQueryValue(field, text));
  }
  return values;
}

/** Creates the emulated CPH service with the demo credential and the built-in seed data. */
export function createHuaweiCphEmulator(options: HuaweiCphEmulatorOptions = {}): HuaweiCphEmulator {
  const now = options.now ?? (() => Date.now());
  const secrets = new Map<string, { sk: string; projectId?: string }>([
    [HUAWEI_DEMO_CREDENTIAL.ak, {
      sk: HUAWEI_DEMO_CREDENTIAL.sk,
      projectId: HUAWEI_DEMO_CREDENTIAL.projectId,
    }],
  ]);
  for (const c of options.credentials ?? []) {
    secrets.set(
      c.ak,
      c.projectId === undefined ? { sk: c.sk } : { sk: c.sk, projectId: c.projectId },
    );
  }
  let state: HuaweiCphState = options.data === undefined
    ? huaweiCphSeed()
    : checkData(options.data);
  let counter = (options.seed ?? 1) >>> 0;
  const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers");
  if (spec === undefined) throw new Error("the Huawei catalog has no cph ListEncodeServers");

  function newRequestId(): string {
    // xorshift32: deterministic, 32 hex digits like Huawei's request ids.
    let out = "";
    for (let i = 0; i < 4; i++) {
      counter ^= counter << 13;
      counter >>>= 0;
      counter ^= counter >>> 17;
      counter ^= counter << 5;
      counter >>>= 0;
      out += counter.toString(16).padStart(8, "0");
    }
    return out;
  }

  function answer(status: number, body: Record<string, unknown>, requestId: string): Response {
    return new Response(stringifyJson(body), {
      status,
      headers: {
        "content-type": "application/json",
        "x-request-id": requestId,
        date: new Date(now()).toUTCString(),
      },
    });
  }

  async function listEncodeServers(request: Request, url: URL): Promise<Record<string, unknown>> {
    const route = ROUTE.exec(url.pathname);
    if (request.method.toUpperCase() !== "GET" || route === null) {
      throw new CphError(
        404,
        "APIGW.0101",
        `The API does not exist or has not been published in the environment: ${request.method} ${url.pathname}`,
      );
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const verdict = await verifyHuaweiRequest(
      { method: request.method, url, headers: request.headers, body },
      { lookupSecret: (ak) => secrets.get(ak)?.sk, nowS: now() / 1000 },
    );
    if (!verdict.ok) throw new CphError(verdict.httpStatus, verdict.code, verdict.message);
    const projectId = decodeURIComponent(route[1]!);
    const owner = secrets.get(verdict.ak)?.projectId;
    if (owner !== undefined && owner !== projectId) {
      throw new CphError(
        403,
        "CPS.0001",
        `No permission to request resources of project ${projectId}.`,
      );
    }
    const query = checkQuery(spec!, url);
    const type = query.get("type");
    const status = query.get("status");
    const serverId = query.get("server_id");
    const matching = state.encode_servers.filter((s: EncodeServerState) =>
      (type === undefined || s.type === type) &&
      (status === undefined || s.status === status) &&
      (serverId === undefined || s.server_id === serverId)
    );
    const offset = Number(query.get("offset") ?? 0);
    const limit = Number(query.get("limit") ?? 100);
    return { encode_servers: structuredClone(matching.slice(offset, offset + limit)) };
  }

  return {
    async handle(request) {
      const requestId = newRequestId();
      const url = new URL(request.url);
      try {
        const body = await listEncodeServers(request, url);
        return answer(200, { ...body, request_id: requestId }, requestId);
      } catch (error) {
        if (!(error instanceof CphError)) throw error;
        return answer(error.httpStatus, {
          error_code: error.code,
          error_msg: error.message,
          request_id: requestId,
        }, requestId);
      }
    },
    matches(url, headers) {
      const host = (headers.get("host") ?? url.host).replace(/:\d+$/, "");
      return CPH_HOST.test(host) ||
        (headers.get("authorization") ?? "").startsWith("SDK-HMAC-SHA256") ||
        CPH_PATH.test(url.pathname);
    },
    snapshot: () => structuredClone(state),
    load(data) {
      state = data === undefined ? huaweiCphSeed() : checkData(data);
    },
  };
}
