/**
 * Private: API Gateway APIs (create, describe, list, modify, delete, import from OpenAPI).
 *
 * @module
 */

import { parse as parseYaml } from "../vendor/yaml.js";
import type { ApigatewayStore, ApiRec } from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkOption,
  filterValues,
  getApi,
  getService,
  isoNow,
  matchExact,
  matchFuzzy,
  optBool,
  optInt,
  optObj,
  optStr,
  page,
  readFilters,
  reqStr,
} from "./_apigateway_util.ts";
import { apiInfoView, apiStatusView } from "./_apigateway_views.ts";

const SERVICE_TYPES = [
  "HTTP",
  "SCF",
  "MOCK",
  "TSF",
  "WEBSOCKET",
  "TARGET",
  "UPSTREAM",
  "COS",
  "EB",
] as const;
const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "ANY", "PATCH", "OPTIONS"] as const;
const AUTH_TYPES = ["SECRET", "NONE", "OAUTH", "APP", "EIAM"] as const;

/** Request fields stored in `ApiRec` itself rather than in `extra`. */
const OWN_FIELDS = new Set([
  "ServiceId",
  "ApiId",
  "ServiceType",
  "ServiceTimeout",
  "Protocol",
  "RequestConfig",
  "ApiName",
  "ApiDesc",
  "ApiType",
  "AuthType",
  "AuthRequired",
  "EnableCORS",
  "ApiBusinessType",
  "IsDebugAfterCharge",
  "AuthRelationApiId",
  "ServiceConfig",
]);

/** Checks `RequestConfig` and that no other API of the service has the same path and method. */
function requestConfig(
  store: ApigatewayStore,
  params: Record<string, unknown>,
  serviceId: string,
  selfId?: string,
): { Path: string; Method: string } {
  const config = optObj(params, "RequestConfig");
  if (config === undefined) {
    throw new ApiError("MissingParameter", "The parameter RequestConfig is missing");
  }
  const path = config["Path"];
  const method = typeof config["Method"] === "string" ? config["Method"].toUpperCase() : undefined;
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new ApiError(
      "InvalidParameterValue.InvalidApiRequestConfig",
      `RequestConfig.Path must start with "/": got ${JSON.stringify(path)}`,
    );
  }
  if (method === undefined || !(METHODS as readonly string[]).includes(method)) {
    throw new ApiError(
      "InvalidParameterValue.InvalidApiRequestConfig",
      `RequestConfig.Method must be one of ${METHODS.join(", ")}: got ${String(config["Method"])}`,
    );
  }
  const clash = store.state.apis.find((a) =>
    a.ServiceId === serviceId && a.ApiId !== selfId && a.Path === path && a.Method === method
  );
  if (clash) {
    throw new ApiError(
      "InvalidParameterValue.InvalidApiRequestConfig",
      `${method} ${path} already exists in service ${serviceId} (${clash.ApiId})`,
    );
  }
  return { Path: path, Method: method };
}

/** Checks the backend settings that each `ServiceType` needs. */
function checkBackend(
  store: ApigatewayStore,
  serviceType: string,
  params: Record<string, unknown>,
): void {
  checkOption("ServiceType", serviceType, SERVICE_TYPES);
  const config = optObj(params, "ServiceConfig");
  if (serviceType === "HTTP" && (typeof config?.["Url"] !== "string" || config["Url"] === "")) {
    throw new ApiError(
      "InvalidParameterValue.InvalidServiceConfig",
      "ServiceConfig.Url is required for HTTP backends",
    );
  }
  if (serviceType === "UPSTREAM") {
    const id = config?.["UpstreamId"];
    if (typeof id !== "string" || !store.state.upstreams.some((u) => u.UpstreamId === id)) {
      throw new ApiError(
        "InvalidParameterValue.InvalidUpstream",
        `Upstream ${String(id)} does not exist`,
      );
    }
  }
  if (serviceType === "SCF" && !optStr(params, "ServiceScfFunctionName")) {
    throw new ApiError(
      "InvalidParameterValue.InvalidScfConfig",
      "ServiceScfFunctionName is required for SCF backends",
    );
  }
}

function checkTimeout(timeoutS: number): void {
  if (timeoutS < 1 || timeoutS > 1800) {
    throw new ApiError(
      "InvalidParameterValue.RangeExceeded",
      `ServiceTimeout must be 1..1800 seconds: got ${timeoutS}`,
    );
  }
}

function extraOf(params: Record<string, unknown>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (!OWN_FIELDS.has(k) && v !== undefined) extra[k] = v;
  }
  return structuredClone(extra);
}

/** Creates an API record from `CreateApi`-shaped parameters (shared with `ImportOpenApi`). */
function createApi(
  store: ApigatewayStore,
  params: Record<string, unknown>,
  ctx: CallContext,
): ApiRec {
  const service = getService(store, ctx, reqStr(params, "ServiceId"));
  const serviceType = reqStr(params, "ServiceType");
  checkBackend(store, serviceType, params);
  const timeoutS = optInt(params, "ServiceTimeout") ?? 15;
  checkTimeout(timeoutS);
  const protocol = (optStr(params, "Protocol") ?? "HTTP").toUpperCase();
  checkOption("Protocol", protocol, ["HTTP", "HTTPS", "WEBSOCKET"]);
  const authType = optStr(params, "AuthType") ?? "NONE";
  checkOption("AuthType", authType, AUTH_TYPES);
  const apiType = optStr(params, "ApiType") ?? "NORMAL";
  checkOption("ApiType", apiType, ["NORMAL", "TSF"]);
  const business = optStr(params, "ApiBusinessType") ?? "NORMAL";
  checkOption("ApiBusinessType", business, ["NORMAL", "OAUTH"]);
  const { Path, Method } = requestConfig(store, params, service.ServiceId);
  const now = isoNow(ctx);
  const api: ApiRec = {
    ServiceId: service.ServiceId,
    ApiId: ctx.newId("api-"),
    ApiName: optStr(params, "ApiName") ?? "",
    ApiDesc: optStr(params, "ApiDesc") ?? "",
    ApiType: apiType,
    Protocol: protocol,
    AuthType: authType,
    ApiBusinessType: business,
    AuthRelationApiId: optStr(params, "AuthRelationApiId") ?? "",
    Path,
    Method,
    ServiceType: serviceType,
    ServiceTimeout: timeoutS,
    EnableCORS: optBool(params, "EnableCORS") ?? false,
    IsDebugAfterCharge: optBool(params, "IsDebugAfterCharge") ?? false,
    CreatedTime: now,
    ModifiedTime: now,
    ServiceConfig: structuredClone(optObj(params, "ServiceConfig") ?? {}),
    extra: extraOf(params),
    strategies: {},
  };
  store.state.apis.push(api);
  service.ModifiedTime = now;
  return api;
}

/** The operations of an OpenAPI 3 / Swagger 2 document as `CreateApi` parameters. */
function openApiOperations(content: string, serviceId: string): Array<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (e) {
    throw new ApiError(
      "InvalidParameterValue.UnsupportedParameter",
      `Content is not valid YAML/JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const paths = (doc as { paths?: unknown } | null)?.paths;
  if (typeof paths !== "object" || paths === null) {
    throw new ApiError(
      "InvalidParameterValue.UnsupportedParameter",
      "Content has no `paths` object",
    );
  }
  const ops: Array<Record<string, unknown>> = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== "object" || item === null) continue;
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      const upper = method.toUpperCase();
      if (!(METHODS as readonly string[]).includes(upper)) continue;
      const o = (typeof op === "object" && op !== null ? op : {}) as Record<string, unknown>;
      ops.push({
        ServiceId: serviceId,
        ServiceType: "MOCK",
        ServiceTimeout: 15,
        Protocol: "HTTP",
        RequestConfig: { Path: path, Method: upper },
        ApiName: typeof o["operationId"] === "string" ? o["operationId"] : `${upper} ${path}`,
        ApiDesc: typeof o["summary"] === "string" ? o["summary"] : "",
        ServiceMockReturnMessage: "",
      });
    }
  }
  return ops;
}

/** The actions on APIs. */
export function apiActions(store: ApigatewayStore): Record<string, ActionHandler> {
  return {
    CreateApi(params, ctx) {
      const api = createApi(store, params, ctx);
      return {
        Result: {
          ApiId: api.ApiId,
          Path: api.Path,
          Method: api.Method,
          CreatedTime: api.CreatedTime,
        },
      };
    },

    DescribeApi(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      return {
        Result: apiInfoView(store, getApi(store, service.ServiceId, reqStr(params, "ApiId"))),
      };
    },

    DescribeApiForApiApp(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      reqStr(params, "ApiRegion");
      return {
        Result: apiInfoView(store, getApi(store, service.ServiceId, reqStr(params, "ApiId"))),
      };
    },

    DescribeApisStatus(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const filters = readFilters(params, [
        "ApiId",
        "ApiName",
        "ApiPath",
        "ApiType",
        "AuthRelationApiId",
        "AuthType",
        "ApiBuniessType",
        "NotUsagePlanId",
        "Environment",
        "Tags",
        "TagKeys",
        "KeyWord",
      ]);
      const notPlans = filterValues(filters, "NotUsagePlanId");
      const envs = filterValues(filters, "Environment");
      if ((notPlans === undefined) !== (envs === undefined)) {
        throw new ApiError(
          "InvalidParameter.FormatError",
          "Filters NotUsagePlanId and Environment must be used together",
        );
      }
      const tagged = filterValues(filters, "Tags") !== undefined ||
        filterValues(filters, "TagKeys") !== undefined;
      const found = [...store.state.apis].reverse().filter((a) =>
        a.ServiceId === service.ServiceId && !tagged &&
        matchExact(filters, "ApiId", a.ApiId) &&
        matchFuzzy(filters, "ApiName", a.ApiName) &&
        matchFuzzy(filters, "ApiPath", a.Path) &&
        matchExact(filters, "ApiType", a.ApiType) &&
        matchExact(filters, "AuthRelationApiId", a.AuthRelationApiId) &&
        matchExact(filters, "AuthType", a.AuthType) &&
        matchExact(filters, "ApiBuniessType", a.ApiBusinessType) &&
        matchFuzzy(filters, "KeyWord", a.ApiName, a.Path, a.ApiId) &&
        (notPlans === undefined ||
          !store.state.planBindings.some((b) =>
            b.ServiceId === a.ServiceId && (b.ApiId === a.ApiId || b.ApiId === "") &&
            notPlans.includes(b.UsagePlanId) && (envs ?? []).includes(b.Environment)
          ))
      );
      return {
        Result: {
          TotalCount: found.length,
          ApiIdStatusSet: page(found, params).map(apiStatusView),
        },
      };
    },

    ModifyApi(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      const serviceType = reqStr(params, "ServiceType");
      checkBackend(store, serviceType, params);
      const { Path, Method } = requestConfig(store, params, service.ServiceId, api.ApiId);
      const timeoutS = optInt(params, "ServiceTimeout");
      if (timeoutS !== undefined) checkTimeout(timeoutS);
      const protocol = optStr(params, "Protocol")?.toUpperCase();
      if (protocol !== undefined) checkOption("Protocol", protocol, ["HTTP", "HTTPS", "WEBSOCKET"]);
      const authType = optStr(params, "AuthType");
      if (authType !== undefined) checkOption("AuthType", authType, AUTH_TYPES);
      api.ServiceType = serviceType;
      api.Path = Path;
      api.Method = Method;
      api.ServiceTimeout = timeoutS ?? api.ServiceTimeout;
      api.Protocol = protocol ?? api.Protocol;
      api.AuthType = authType ?? api.AuthType;
      api.ApiName = optStr(params, "ApiName") ?? api.ApiName;
      api.ApiDesc = optStr(params, "ApiDesc") ?? api.ApiDesc;
      api.ApiType = optStr(params, "ApiType") ?? api.ApiType;
      api.ApiBusinessType = optStr(params, "ApiBusinessType") ?? api.ApiBusinessType;
      api.AuthRelationApiId = optStr(params, "AuthRelationApiId") ?? api.AuthRelationApiId;
      api.EnableCORS = optBool(params, "EnableCORS") ?? api.EnableCORS;
      api.IsDebugAfterCharge = optBool(params, "IsDebugAfterCharge") ?? api.IsDebugAfterCharge;
      const config = optObj(params, "ServiceConfig");
      if (config !== undefined) api.ServiceConfig = structuredClone(config);
      api.extra = { ...api.extra, ...extraOf(params) };
      api.ModifiedTime = isoNow(ctx);
      return {};
    },

    ModifyApiIncrement(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      const business = reqStr(params, "BusinessType");
      if (business !== api.ApiBusinessType) {
        throw new ApiError(
          "InvalidParameterValue.InvalidApiBusinessType",
          `BusinessType ${business} does not match the API's type ${api.ApiBusinessType}`,
        );
      }
      const publicKey = optStr(params, "PublicKey");
      const redirect = optStr(params, "LoginRedirectUrl");
      if (publicKey === undefined && redirect === undefined) {
        throw new ApiError(
          "InvalidParameterValue.NothingModifyForOauth",
          "Nothing to modify: give PublicKey or LoginRedirectUrl",
        );
      }
      const oauth = {
        PublicKey: "",
        TokenLocation: "",
        LoginRedirectUrl: "",
        ...(api.extra["OauthConfig"] as object),
      };
      if (publicKey !== undefined) oauth.PublicKey = publicKey;
      if (redirect !== undefined) oauth.LoginRedirectUrl = redirect;
      api.extra["OauthConfig"] = oauth;
      api.ModifiedTime = isoNow(ctx);
      return {};
    },

    DeleteApi(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      const s = store.state;
      if (s.planBindings.some((b) => b.ApiId === api.ApiId)) {
        throw new ApiError(
          "FailedOperation.ApiBindEnvironmen",
          `API ${api.ApiId} has usage plans bound: unbind them first`,
        );
      }
      if (s.apis.some((a) => a.AuthRelationApiId === api.ApiId)) {
        throw new ApiError(
          "UnsupportedOperation.UnsupportedDeleteApi",
          `API ${api.ApiId} is the auth API of other APIs`,
        );
      }
      if (
        s.apiAppBindings.some((b) => b.ApiId === api.ApiId) ||
        s.pluginAttachments.some((p) => p.ApiId === api.ApiId) ||
        s.ipStrategies.some((i) => i.bindings.some((b) => b.ApiId === api.ApiId))
      ) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAssociated",
          `API ${api.ApiId} has apps, plugins or IP strategies attached: detach them first`,
        );
      }
      s.apis = s.apis.filter((a) => a.ApiId !== api.ApiId);
      return { Result: true };
    },

    ImportOpenApi(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const encode = optStr(params, "EncodeType") ?? "YAML";
      checkOption("EncodeType", encode, ["YAML", "JSON"], "InvalidParameterValue");
      const version = optStr(params, "ContentVersion") ?? "openAPI";
      checkOption("ContentVersion", version, ["openAPI"], "InvalidParameterValue");
      const ops = openApiOperations(reqStr(params, "Content"), service.ServiceId);
      const set = ops.map((op) => {
        const config = op["RequestConfig"] as { Path: string; Method: string };
        try {
          const api = createApi(store, op, ctx);
          return {
            ApiId: api.ApiId,
            Path: api.Path,
            Method: api.Method,
            CreatedTime: api.CreatedTime,
            Status: "success",
            ErrMsg: "",
            ApiName: api.ApiName,
          };
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          return {
            ApiId: "",
            Path: config.Path,
            Method: config.Method,
            CreatedTime: "",
            Status: "failure",
            ErrMsg: `${e.code}: ${e.message}`,
            ApiName: String(op["ApiName"]),
          };
        }
      });
      return { Result: { TotalCount: set.length, ApiSet: set } };
    },
  };
}
