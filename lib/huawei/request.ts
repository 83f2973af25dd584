/**
 * Huawei Cloud REST requests: the endpoint (`<service>.<region>.myhuaweicloud.com`), the signed
 * `Request` of a catalog operation (path parameters filled, query string built exactly as it is
 * signed), and the reading of the answer.
 *
 * @module
 */
import type { ActionSpec } from "../catalog/types.ts";
import { isRecord, parseJson, stringifyJson } from "../json.ts";
import { endpointOverride } from "../protocol/endpoint_url.ts";
import { encodeRfc3986 } from "../tencent/signer_v1.ts";
import { HUAWEI_PREFIX } from "../catalog/huawei.ts";
import type { HuaweiProjectCredential } from "./credentials.ts";
import {
  HuaweiApiError,
  type HuaweiCallSite,
  huaweiErrorFromAnswer,
  HuaweiRequestError,
} from "./errors.ts";
import { encodeHuaweiQuery, signHuawei } from "./signer.ts";

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Where a Huawei request goes, and the `Host` that is signed. */
export interface HuaweiEndpoint {
  url: URL;
  host: string;
}

/**
 * The endpoint of a Huawei service in a region: `https://cph.<region>.myhuaweicloud.com`, or
 * `endpointUrl` (the emulator, a proxy) for everything.
 *
 * @throws {TypeError} on an invalid URL, service or region (a region is required).
 *
 * @example
 * ```ts
 * import { huaweiEndpoint } from "./request.ts";
 *
 * console.log(huaweiEndpoint({ service: "huaweicloud/cph", region: "cn-north-4" }).host);
 * // "cph.cn-north-4.myhuaweicloud.com"
 * ```
 */
export function huaweiEndpoint(options: {
  service: string;
  region: string;
  endpointUrl?: string | undefined;
}): HuaweiEndpoint {
  const override = endpointOverride(options.endpointUrl);
  if (override !== undefined) return override;
  const service = options.service.startsWith(HUAWEI_PREFIX)
    ? options.service.slice(HUAWEI_PREFIX.length)
    : options.service;
  if (!LABEL.test(service)) {
    throw new TypeError(`invalid Huawei service name ${JSON.stringify(options.service)}`);
  }
  if (!LABEL.test(options.region)) {
    throw new TypeError(
      `a Huawei Cloud call needs a region such as cn-north-4, got ${
        JSON.stringify(options.region)
      }`,
    );
  }
  const host = `${service}.${options.region}.myhuaweicloud.com`;
  return { url: new URL(`https://${host}/`), host };
}

/** The call site of a spec, for errors. */
export function huaweiSite(spec: ActionSpec): HuaweiCallSite {
  return { service: spec.service, action: spec.name, method: spec.http?.method ?? "GET" };
}

/** A query value as text: strings, numbers, bigints, booleans; a list repeats the name. */
function queryValue(name: string, value: unknown): string | string[] {
  if (Array.isArray(value)) return value.map((v) => scalarText(name, v));
  return scalarText(name, value);
}

function scalarText(name: string, value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "bigint":
    case "boolean":
      return String(value);
    case "number":
      if (Number.isFinite(value)) return String(value);
      break;
  }
  throw new HuaweiRequestError(
    `\`${name}\` must be a string, number or boolean to go in the URL: got ${
      value === null ? "null" : typeof value
    }`,
  );
}

/** The parts of a request before signing: path (encoded), query record, body bytes. */
export interface HuaweiRequestParts {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: Uint8Array;
}

/**
 * Splits a call's parameters into path, query and body by the spec's `http` binding. A missing
 * `project_id` is the credential's project. GET and DELETE take no body: an input that is neither
 * a path nor a query parameter is then an error; otherwise such inputs form the JSON body.
 *
 * @throws {HuaweiRequestError} on a missing path parameter, an unknown parameter or a value that
 *   cannot go in a URL.
 */
export function huaweiRequestParts(
  spec: ActionSpec,
  params: Record<string, unknown>,
  projectId: string,
): HuaweiRequestParts {
  const http = spec.http;
  if (http === undefined) {
    throw new HuaweiRequestError(`${spec.service}.${spec.name} has no HTTP binding in the catalog`);
  }
  const pathNames = new Set(http.pathParams);
  const queryNames = new Set(http.queryParams);
  const path = http.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name] ?? (name === "project_id" ? projectId : undefined);
    if (value === undefined || value === null || value === "") {
      throw new HuaweiRequestError(`missing path parameter \`${name}\` of ${spec.name}`);
    }
    return encodeRfc3986(scalarText(name, value));
  });
  const query: Record<string, string | string[]> = {};
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || pathNames.has(name)) continue;
    if (queryNames.has(name)) query[name] = queryValue(name, value);
    else if (http.method === "GET" || http.method === "DELETE") {
      throw new HuaweiRequestError(
        `unknown parameter \`${name}\` of ${spec.name} (it takes ${
          [...pathNames, ...queryNames].join(", ")
        })`,
      );
    } else body[name] = value;
  }
  const bytes = Object.keys(body).length > 0 || (http.method !== "GET" && http.method !== "DELETE")
    ? new TextEncoder().encode(stringifyJson(body))
    : new Uint8Array();
  return { method: http.method, path, query, body: bytes };
}

/**
 * The signed `Request` of one call: the query string sent is exactly the one signed, the body
 * bytes are serialized once.
 *
 * @example
 * ```ts
 * import { buildHuaweiRequest, huaweiEndpoint } from "./request.ts";
 * import { findHuaweiAction } from "../catalog/huawei.ts";
 *
 * const spec = findHuaweiAction("cph", "ListEncodeServers")!;
 * const request = await buildHuaweiRequest({
 *   spec,
 *   params: { limit: 10 },
 *   credential: { ak: "AK0000EXAMPLE", sk: "sk-example", projectId: "0123456789abcdef" },
 *   endpoint: huaweiEndpoint({ service: spec.service, region: "cn-north-4" }),
 *   timestampMs: Date.now(),
 * });
 * console.log(request.method, request.url); // GET https://cph.cn-north-4.myhuaweicloud.com/…
 * ```
 */
export async function buildHuaweiRequest(options: {
  spec: ActionSpec;
  params: Record<string, unknown>;
  credential: HuaweiProjectCredential;
  endpoint: HuaweiEndpoint;
  timestampMs: number;
}): Promise<Request> {
  const { spec, credential, endpoint } = options;
  const parts = huaweiRequestParts(spec, options.params, credential.projectId);
  const prefix = endpoint.url.pathname.replace(/\/+$/, "");
  const path = prefix + parts.path;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Project-Id": credential.projectId,
  };
  if (credential.securityToken !== undefined) {
    headers["X-Security-Token"] = credential.securityToken;
  }
  const signed = await signHuawei(
    {
      method: parts.method,
      host: endpoint.host,
      path,
      query: parts.query,
      headers,
      body: parts.body,
    },
    { ak: credential.ak, sk: credential.sk },
    new Date(options.timestampMs),
  );
  const url = new URL(endpoint.url);
  url.pathname = path;
  url.search = encodeHuaweiQuery(parts.query);
  return new Request(url, {
    method: parts.method,
    headers: { ...headers, ...signed },
    ...(parts.body.length > 0 ? { body: parts.body as Uint8Array<ArrayBuffer> } : {}),
  });
}

/**
 * Reads an answer: a 2xx JSON object is the response (integers exact, as bigint), its
 * `request_id` (or the `X-Request-Id` header) the request id; anything else a
 * {@link HuaweiApiError}.
 */
export function parseHuaweiAnswer(
  spec: ActionSpec,
  answer: { status: number; headers: Headers; text: string },
):
  | {
    ok: true;
    result: { response: Record<string, unknown>; requestId: string; httpStatus: number };
  }
  | { ok: false; error: HuaweiApiError } {
  const site = huaweiSite(spec);
  let body: unknown;
  try {
    body = answer.text.trim() === "" ? {} : parseJson(answer.text, "bigint");
  } catch {
    body = undefined;
  }
  if (answer.status < 200 || answer.status >= 300) {
    return { ok: false, error: huaweiErrorFromAnswer(site, answer, body) };
  }
  if (!isRecord(body)) {
    return {
      ok: false,
      error: new HuaweiApiError({
        ...site,
        code: "InvalidResponse",
        message: `the answer is not a JSON object (HTTP ${answer.status})`,
        httpStatus: answer.status,
        requestId: answer.headers.get("x-request-id") ?? undefined,
      }),
    };
  }
  const { request_id: bodyId, ...response } = body;
  const requestId = typeof bodyId === "string" ? bodyId : answer.headers.get("x-request-id") ?? "";
  return { ok: true, result: { response, requestId, httpStatus: answer.status } };
}
