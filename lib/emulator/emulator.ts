/**
 * The emulator core: a `fetch`-shaped handler that speaks Tencent Cloud's API protocol.
 *
 * Per request: admin routes (`/_emulator/…`) first; otherwise the signature is verified
 * (TC3-HMAC-SHA256 or v1), the service is found from the Host or the credential scope (the
 * two must agree: `AuthFailure.InvalidAuthorization`), the region checked (`UnsupportedRegion`),
 * the version and action from the catalog, the rate limit is applied, the parameters are checked
 * against the catalog, faults are injected, and the service's action handler answers inside
 * the `{"Response": {…, "RequestId"}}` envelope (always HTTP 200, as Tencent Cloud does).
 *
 * @example
 * ```ts
 * import { createEmulator } from "./emulator.ts";
 * const emulator = createEmulator({ seed: 1 });
 * const state = emulator.state() as { trocket: { instances: unknown[] } };
 * console.log(state.trocket.instances.length); // 2
 * ```
 *
 * @module
 */
import { catalogIndex, findAction, findStructure, serviceVersion } from "../catalog/catalog.ts";
import { suggest } from "../catalog/suggest.ts";
import { parseJson, stringifyJson } from "../json.ts";
import { stripPort } from "../tencent/host.ts";
import { type FaultInfo, handleAdmin } from "./_admin.ts";
import { FaultInjector, mulberry32 } from "./faults.ts";
import { GenericService } from "./generic.ts";
import { createHuaweiCphEmulator } from "./huawei_cph.ts";
import { paramProblem, type StructureLookup, unflattenV1 } from "./params.ts";
import { RateLimiter } from "./rate_limit.ts";
import { TENCENT_REGIONS } from "./regions.ts";
import { ApiError, type CallContext, type ServiceEmulator } from "./service.ts";
import { builtinServices } from "./services.ts";
import { verifyTencentRequest } from "./verify.ts";

/**
 * The built-in demo credential: it opens the emulator and nothing else.
 *
 * @example
 * ```ts
 * import { createEmulator, DEMO_CREDENTIAL } from "./emulator.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { systemDeps } from "../deps.ts";
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } });
 * console.log(client.secretId); // "AKIDTCFLOWDEMO0000000000000000000000"
 * ```
 */
export const DEMO_CREDENTIAL = {
  secretId: "AKIDTCFLOWDEMO0000000000000000000000",
  secretKey: "tcflow-demo-secret-key",
} as const;

/**
 * How to build an emulator.
 *
 * @example
 * ```ts
 * import { createEmulator, type EmulatorOptions } from "./emulator.ts";
 * const options: EmulatorOptions = { rateScale: 10, faults: "rate=0.1;codes=InternalError", faultSeed: 7 };
 * const emulator = createEmulator(options);
 * console.log(emulator.calls().length); // 0
 * ```
 */
export interface EmulatorOptions {
  /** Accepted in addition to {@link DEMO_CREDENTIAL}. */
  credentials?: Array<{ secretId: string; secretKey: string }>;
  /**
   * Initial state per service, restored by reset: `{ trocket?: …, apigateway?: … }` (snapshot
   * shapes) for the seeded services, `{ <service>: { <ListAction>: [items…] } }` for any other
   * service of the catalog (answered by the generic emulator, see `generic.ts`).
   */
  data?: unknown;
  /** Multiplies every rate limit; default 1, `Infinity` disables them. */
  rateScale?: number;
  /** Fault spec, see `faults.ts`. */
  faults?: string;
  /** Seed of the fault draws; default 0. */
  faultSeed?: number;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** Sleeps for latency faults; default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Seed of resource ids and request ids; default 1. */
  seed?: number;
}

/** One entry of the call log (`/_emulator/calls`). */
export interface CallRecord {
  /** Sequence number of the call, from 1 (restarts at 1 on reset). */
  seq: number;
  /** When the call arrived, in milliseconds since the epoch (the emulator's clock). */
  timeMs: number;
  /** Service of the call, e.g. `trocket` (empty when the request could not be read that far). */
  service: string;
  /** Action of the call, e.g. `DescribeTopicList`. */
  action: string;
  /** API version the request named (empty when none). */
  version: string;
  /** Region the request named (empty when none). */
  region: string;
  /** SecretId (or Huawei AK) that signed the request (empty when none could be read). */
  secretId: string;
  /** The action parameters as sent (v1 flat parameters turned into JSON). */
  params: unknown;
  /** `"ok"`, an error code, `"cut-before"`, `"cut-after"` or `"5xx"`. */
  outcome: string;
  /** `RequestId` of the answer (empty when none). */
  requestId: string;
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * import { createEmulator, type Emulator } from "./emulator.ts";
 * const emulator: Emulator = createEmulator();
 * const answer = await emulator.handle(new Request("http://localhost/_emulator/calls"));
 * console.log(answer.status, emulator.calls()); // 200 []
 * ```
 */
export interface Emulator {
  /**
   * fetch-shaped: the whole HTTP surface (Tencent API + /_emulator/ admin routes). A "connection
   * cut" rejects with TypeError like fetch does. `arrivedMs` (the emulator's clock) is when a
   * server read the request (the time of its call record and of its rate limit); default: now.
   */
  handle(request: Request, info?: { arrivedMs?: number }): Promise<Response>;
  /** Every service's state, by service name. */
  state(): Record<string, unknown>;
  /** Restores the initial data, clears the call log, faults and rate limits, restarts the ids. */
  reset(): void;
  /** The call log, oldest first (the last {@link MAX_CALL_LOG} calls). */
  calls(): CallRecord[];
  /** Sets (or with `undefined` clears) the fault spec. Throws `FaultSpecError` on a bad spec. */
  setFaults(spec: string | undefined, seed?: number): void;
}

/** A fault that drops the connection: rejects `handle()` like `fetch` does on a network error. */
export class ConnectionCut extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "TypeError";
  }
}

/** The call log keeps this many most recent calls. */
export const MAX_CALL_LOG = 50_000;

/** `<svc>.tencentcloudapi.com` or `<svc>.<region>.tencentcloudapi.com`. */
const HOST_RE = /^([a-z0-9-]+)\.(?:([a-z0-9-]+)\.)?tencentcloudapi\.com$/i;

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function errorBody(code: string, message: string, requestId: string): string {
  return stringifyJson({
    Response: { Error: { Code: code, Message: message }, RequestId: requestId },
  });
}

/** The state key of the Huawei Cloud Phone emulator (`huaweicloud/cph.ListEncodeServers`). */
const HUAWEI_CPH = "huaweicloud/cph";

/** What a rejected request carried, for the call log: its JSON body or v1 parameters. */
function bestEffortParams(body: Uint8Array, v1: Record<string, string> | undefined): unknown {
  if (v1 !== undefined) return v1;
  try {
    const parsed = parseJson(new TextDecoder().decode(body), "auto");
    return parsed !== null && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/** The credential scope's service, when the catalog knows it. */
function serviceFromScope(service: string | undefined): string | undefined {
  return service !== undefined && Object.hasOwn(catalogIndex().services, service)
    ? service
    : undefined;
}

/**
 * Creates an emulator with the seeded services (trocket, and the others once they exist).
 *
 * @example
 * ```ts
 * import { createEmulator } from "./emulator.ts";
 * import { createClient } from "../client/client.ts";
 * const emulator = createEmulator({ seed: 1 });
 * const client = createClient({ region: "ap-guangzhou", emulator });
 * await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
 * console.log(emulator.calls().map((c) => c.action)); // [ "DescribeTopicList" ]
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const seed = options.seed ?? 1;
  const secrets = new Map<string, string>([[DEMO_CREDENTIAL.secretId, DEMO_CREDENTIAL.secretKey]]);
  for (const c of options.credentials ?? []) secrets.set(c.secretId, c.secretKey);

  const services = new Map<string, ServiceEmulator>();
  for (const service of builtinServices()) services.set(service.service, service);
  const initialData = splitData(options.data, services);
  // Every other service of the catalog (and the actions a seeded service does not implement)
  // is answered by a generic emulator, made on the first call or from `data`.
  const generic = new Map<string, GenericService>();
  const genericOf = (name: string): GenericService => {
    let found = generic.get(name);
    if (found === undefined) {
      found = new GenericService(name);
      generic.set(name, found);
    }
    return found;
  };
  // Huawei Cloud Phone speaks REST with its own signature: a separate emulator, routed here.
  const huawei = createHuaweiCphEmulator({ now, seed });

  let idRandom = mulberry32(seed);
  let requestRandom = mulberry32(seed ^ 0x5bd1e995);
  let limiter = new RateLimiter({ now, scale: options.rateScale ?? 1 });
  let faults = new FaultInjector(options.faults, options.faultSeed ?? 0);
  let log: CallRecord[] = [];
  let seq = 0;

  function loadInitial(): void {
    for (const [name, service] of services) service.load(initialData.get(name));
    generic.clear();
    for (const [key, data] of initialData) {
      if (services.has(key) || key === HUAWEI_CPH) continue;
      const name = key.replace(/\+generic$/, "");
      generic.set(name, new GenericService(name, data));
    }
    huawei.load(initialData.get(HUAWEI_CPH));
  }
  loadInitial();

  function newId(prefix: string): string {
    let id = prefix;
    for (let i = 0; i < 8; i++) id += ID_ALPHABET[Math.floor(idRandom() * 36)];
    return id;
  }

  function newRequestId(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => Math.floor(requestRandom() * 16).toString(16)).join("");
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[Math.floor(requestRandom() * 4)]}${hex(3)}-${
      hex(12)
    }`;
  }

  function record(entry: Omit<CallRecord, "seq">): void {
    log.push({ seq: ++seq, ...entry });
    // Trim in batches so a full log does not copy itself on every call.
    if (log.length >= MAX_CALL_LOG + 1000) log = log.slice(-MAX_CALL_LOG);
  }

  function jsonResponse(body: string, status = 200): Response {
    return new Response(body, {
      status,
      headers: {
        "content-type": "application/json",
        date: new Date(now()).toUTCString(),
      },
    });
  }

  async function handleApi(request: Request, arrivedMs: number): Promise<Response> {
    const requestId = newRequestId();
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    const entry = callEntry(request, { timeMs: arrivedMs, requestId, outcome: "ok" });
    const fail = (code: string, message: string): Response => {
      entry.outcome = code;
      record(entry);
      return jsonResponse(errorBody(code, message, requestId));
    };

    const method = request.method.toUpperCase();
    if (method !== "POST" && method !== "GET") {
      return fail(
        "UnsupportedProtocol",
        `HTTP method ${method} is not supported; use GET or POST.`,
      );
    }
    const verified = await verifyTencentRequest(
      { method, url, headers: request.headers, body },
      { lookupSecret: (id) => secrets.get(id), nowS: Math.floor(now() / 1000) },
    );
    const host = stripPort(request.headers.get("host") ?? url.host);
    const hostMatch = HOST_RE.exec(host);
    entry.action = verified.action ?? entry.action;
    entry.version = verified.version ?? entry.version;
    entry.region = verified.region ?? hostMatch?.[2] ?? "";
    entry.service = hostMatch?.[1]?.toLowerCase() ?? serviceFromScope(verified.service) ??
      serviceOfAction(entry.action, entry.version) ?? verified.service ?? "";
    if (!verified.ok) {
      entry.params = bestEffortParams(body, verified.params);
      return fail(verified.code, verified.message);
    }
    entry.secretId = verified.secretId;
    const { service, action, version, region } = entry;
    const hostService = hostMatch?.[1]?.toLowerCase();
    if (
      hostService !== undefined && verified.service !== undefined &&
      verified.service.toLowerCase() !== hostService
    ) {
      entry.params = bestEffortParams(body, verified.params);
      return fail(
        "AuthFailure.InvalidAuthorization",
        `The service \`${verified.service}\` of the credential scope does not match the service \`${hostService}\` of the Host ${host}.`,
      );
    }
    if (region !== "" && !TENCENT_REGIONS.has(region)) {
      entry.params = bestEffortParams(body, verified.params);
      return fail("UnsupportedRegion", `The region \`${region}\` is not supported.`);
    }

    // Parameters: JSON body (TC3), or flat strings (v1, TC3 GET or form POST).
    let raw: Record<string, unknown> | undefined;
    let flat: Record<string, string> | undefined = verified.params;
    if (flat === undefined) {
      const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
      if (method === "GET") {
        flat = Object.fromEntries(url.searchParams);
      } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
        flat = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(body)));
      } else if (contentType.startsWith("multipart/")) {
        return fail("InvalidRequest", "multipart request bodies are not supported here.");
      } else {
        const text = new TextDecoder().decode(body);
        try {
          const parsed = text.trim() === "" ? {} : parseJson(text, "auto");
          if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
            return fail("InvalidParameter", "The request body must be a JSON object.");
          }
          raw = parsed as Record<string, unknown>;
        } catch (error) {
          return fail(
            "InvalidParameter",
            `The request body is not valid JSON: ${(error as Error).message}`,
          );
        }
      }
    }
    if (raw !== undefined) entry.params = raw;

    if (service === "" || catalogIndex().services[service] === undefined) {
      return fail(
        "InvalidAction",
        service === ""
          ? `The service cannot be told from the Host ${host} or the request.`
          : `The product \`${service}\` does not exist.`,
      );
    }
    const sv = serviceVersion(service, version);
    if (sv === undefined) {
      const versions = catalogIndex().services[service]?.versions ?? [];
      return fail(
        "NoSuchVersion",
        `The API version \`${version}\` of ${service} does not exist; versions: ${
          versions.join(", ")
        }.`,
      );
    }
    const spec = findAction(service, action, version);
    if (spec === undefined) {
      const hint = suggest(action, Object.keys(sv.actions));
      return fail(
        "InvalidAction",
        `The action \`${action}\` of ${service} ${version} does not exist${
          hint ? `; did you mean \`${hint}\`?` : "."
        }`,
      );
    }
    const lookup: StructureLookup = (name) => findStructure(service, version, name);
    if (raw === undefined) {
      raw = unflattenV1(spec.inputs, flat ?? {}, lookup);
      entry.params = raw;
    }

    if (
      !limiter.tryAcquire(
        `${service}.${action}|${region}|${entry.secretId}`,
        spec.rateLimitPerS,
        arrivedMs,
      )
    ) {
      return fail(
        "RequestLimitExceeded",
        `Your request rate of ${service}.${action} exceeds the limit of ${spec.rateLimitPerS} per second.`,
      );
    }
    const problem = paramProblem(spec.inputs, raw, lookup);
    if (problem !== undefined) return fail(problem.code, problem.message);

    const decision = faults.decide(service, action);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    switch (decision.fault.kind) {
      case "cut-before":
        entry.outcome = "cut-before";
        record(entry);
        throw new ConnectionCut(
          "error sending request: connection closed before message completed",
        );
      case "5xx":
        entry.outcome = "5xx";
        record(entry);
        return new Response(`${decision.fault.status} emulated server error\n`, {
          status: decision.fault.status,
          headers: { "content-type": "text/plain", date: new Date(now()).toUTCString() },
        });
      case "error":
        return fail(decision.fault.code, `Emulated fault: ${decision.fault.code}.`);
    }

    const emulated = services.get(service);
    const handler = emulated?.version === version && Object.hasOwn(emulated.actions, action)
      ? emulated.actions[action]!
      : (params: Record<string, unknown>, ctx: CallContext) =>
        genericOf(service).answer(spec, params, ctx);
    const ctx: CallContext = {
      region,
      secretId: entry.secretId,
      action,
      version,
      now,
      random: idRandom,
      newId,
    };
    let result: Record<string, unknown>;
    try {
      result = await handler(structuredClone(raw), ctx);
    } catch (error) {
      if (error instanceof ApiError) return fail(error.code, error.message);
      return fail("InternalError", `Internal error: ${(error as Error).message ?? String(error)}`);
    }
    if (decision.fault.kind === "cut-after") {
      entry.outcome = "cut-after";
      record(entry);
      throw new ConnectionCut("error reading response: connection reset by peer");
    }
    record(entry);
    return jsonResponse(stringifyJson({ Response: { ...result, RequestId: requestId } }));
  }

  /** A Huawei CPH request: answered by its emulator, written to the same call log. */
  async function handleHuawei(request: Request, arrivedMs: number): Promise<Response> {
    const url = new URL(request.url);
    const response = await huawei.handle(request);
    let outcome = "ok";
    if (response.status >= 400) {
      const body = await response.clone().json().catch(() => undefined) as
        | { error_code?: string }
        | undefined;
      outcome = body?.error_code ?? `http-${response.status}`;
    }
    const auth = request.headers.get("authorization") ?? "";
    record({
      timeMs: arrivedMs,
      service: HUAWEI_CPH,
      action: request.method === "GET" ? "ListEncodeServers" : `${request.method} ${url.pathname}`,
      version: "v1",
      region: /^cph\.([a-z0-9-]+)\./i.exec(url.hostname)?.[1] ?? "",
      secretId: /Access=([^,\s]+)/.exec(auth)?.[1] ?? "",
      params: Object.fromEntries(url.searchParams),
      outcome,
      requestId: response.headers.get("x-request-id") ?? "",
    });
    return response;
  }

  /**
   * Requests sent to a bare IP or `localhost` name no service in the Host, and the official
   * SDKs then sign the first label of the endpoint (`127`) as the service: the emulated
   * service that has the action (and version), if only one does.
   */
  function serviceOfAction(action: string, version: string): string | undefined {
    const owners = [...services.values()].filter((s) =>
      Object.hasOwn(s.actions, action) && (version === "" || s.version === version)
    );
    if (owners.length === 1) return owners[0]?.service;
    if (owners.length > 1 || version === "") return undefined;
    // Any service of the catalog whose version has the action, if only one has it.
    const catalog = Object.entries(catalogIndex().services).filter(([, entry]) =>
      entry.actions[version]?.includes(action)
    );
    return catalog.length === 1 ? catalog[0]?.[0] : undefined;
  }

  const emulator: Emulator = {
    handle(request, info) {
      const arrivedMs = info?.arrivedMs ?? now();
      const path = new URL(request.url).pathname;
      if (path.startsWith("/_emulator/") || path === "/_emulator") {
        return handleAdmin(request, path, emulator, faultInfo);
      }
      if (huawei.matches(new URL(request.url), request.headers)) {
        return handleHuawei(request, arrivedMs);
      }
      return handleApi(request, arrivedMs).catch((error) => {
        if (error instanceof ConnectionCut) throw error;
        // A bug of the emulator: answer like the real service would, never as a network error.
        const message = error instanceof Error ? error.message : String(error);
        const requestId = newRequestId();
        record(callEntry(request, { timeMs: arrivedMs, requestId, outcome: "InternalError" }));
        return jsonResponse(errorBody("InternalError", `Internal error: ${message}`, requestId));
      });
    },
    state() {
      const result: Record<string, unknown> = {};
      for (const [name, service] of services) result[name] = service.snapshot();
      for (const [name, service] of generic) {
        result[services.has(name) ? `${name}+generic` : name] = service.snapshot();
      }
      result[HUAWEI_CPH] = huawei.snapshot();
      return result;
    },
    reset() {
      loadInitial();
      log = [];
      seq = 0;
      idRandom = mulberry32(seed);
      requestRandom = mulberry32(seed ^ 0x5bd1e995);
      limiter = new RateLimiter({ now, scale: options.rateScale ?? 1 });
      faults = new FaultInjector(undefined, 0);
    },
    calls: () => structuredClone(log.slice(-MAX_CALL_LOG)),
    setFaults(spec, faultSeed) {
      faults = new FaultInjector(spec, faultSeed ?? 0);
    },
  };
  function faultInfo(): FaultInfo {
    return { spec: faults.spec?.source ?? null, seed: faults.seed, injected: faults.injected };
  }
  return emulator;
}

/** `{ trocket: …, apigateway: … }` → per-service data; unknown service names are an error. */
/** The call record of a Tencent request as far as its headers tell (the rest is filled in later). */
function callEntry(
  request: Request,
  o: { timeMs: number; requestId: string; outcome: string },
): Omit<CallRecord, "seq"> {
  return {
    timeMs: o.timeMs,
    service: "",
    action: request.headers.get("x-tc-action") ?? "",
    version: request.headers.get("x-tc-version") ?? "",
    region: request.headers.get("x-tc-region") ?? "",
    secretId: "",
    params: {},
    outcome: o.outcome,
    requestId: o.requestId,
  };
}

function splitData(
  data: unknown,
  services: Map<string, ServiceEmulator>,
): Map<string, unknown> {
  const result = new Map<string, unknown>();
  if (data === undefined || data === null) return result;
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError("emulator data must be an object keyed by service name");
  }
  for (const [name, value] of Object.entries(data)) {
    const service = name.replace(/\+generic$/, "");
    if (
      !services.has(name) && name !== HUAWEI_CPH &&
      !Object.hasOwn(catalogIndex().services, service)
    ) {
      throw new TypeError(
        `emulator data names unknown service "${name}"; seeded: ${
          [...services.keys()].join(", ")
        }, or any service of the catalog`,
      );
    }
    result.set(name, value);
  }
  return result;
}
