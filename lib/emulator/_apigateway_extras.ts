/**
 * Private: API Gateway IP strategies (per-service allow/deny lists bound to APIs) and
 * upstreams (VPC backend channels that APIs with `ServiceType` `UPSTREAM` point to).
 *
 * @module
 */

import type { ApigatewayStore, IpStrategyRec, UpstreamRec } from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkEnv,
  checkOption,
  getApi,
  getService,
  inRegion,
  isoNow,
  matchExact,
  matchFuzzy,
  optInt,
  optObj,
  optObjList,
  optStr,
  page,
  readFilters,
  readTags,
  reqStr,
  reqStrList,
} from "./_apigateway_util.ts";
import { apiStatusView } from "./_apigateway_views.ts";

/** Most IP strategies one service may have. */
const MAX_IP_STRATEGIES = 50;

function getStrategy(store: ApigatewayStore, serviceId: string, id: string): IpStrategyRec {
  const found = store.state.ipStrategies.find((s) =>
    s.StrategyId === id && s.ServiceId === serviceId
  );
  if (!found) {
    throw new ApiError(
      "ResourceNotFound.InvalidIPStrategy",
      `IP strategy ${id} does not exist in ${serviceId}`,
    );
  }
  return found;
}

function strategyView(
  store: ApigatewayStore,
  s: IpStrategyRec,
  env?: string,
  params?: Record<string, unknown>,
) {
  const bound = s.bindings.filter((b) => env === undefined || b.Environment === env).flatMap(
    (b) => {
      const api = store.state.apis.find((a) => a.ApiId === b.ApiId);
      return api ? [api] : [];
    },
  );
  return {
    StrategyId: s.StrategyId,
    StrategyName: s.StrategyName,
    StrategyType: s.StrategyType,
    StrategyData: s.StrategyData,
    CreatedTime: s.CreatedTime,
    ModifiedTime: s.ModifiedTime,
    ServiceId: s.ServiceId,
    BindApiTotalCount: bound.length,
    BindApis: params === undefined ? [] : page(bound, params).map(apiStatusView),
  };
}

function checkIps(data: string): void {
  const bad = data.split(/[\n,]/).map((x) => x.trim()).filter((x) => x !== "")
    .find((x) =>
      !/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/.test(x) && !/^[0-9a-f:]+(\/\d{1,3})?$/i.test(x)
    );
  if (bad !== undefined) {
    throw new ApiError(
      "InvalidParameter.FormatError",
      `${bad} is not an IP address or CIDR`,
    );
  }
}

function getUpstream(
  store: ApigatewayStore,
  ctx: CallContext,
  id: string,
  code = "InvalidParameterValue.InvalidUpstream",
): UpstreamRec {
  const found = store.state.upstreams.find((u) => u.UpstreamId === id && inRegion(u, ctx));
  if (!found) {
    throw new ApiError(code, `Upstream ${id} does not exist`);
  }
  return found;
}

function upstreamView(u: UpstreamRec, withTags: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    UpstreamId: u.UpstreamId,
    UpstreamName: u.UpstreamName,
    UpstreamDescription: u.UpstreamDescription,
    Scheme: u.Scheme,
    Algorithm: u.Algorithm,
    UniqVpcId: u.UniqVpcId,
    Retries: u.Retries,
    Nodes: structuredClone(u.Nodes),
    CreatedTime: u.CreatedTime,
    HealthChecker: structuredClone(u.HealthChecker),
    UpstreamType: u.UpstreamType,
    K8sServices: structuredClone(u.K8sServices),
    UpstreamHost: u.UpstreamHost,
  };
  if (withTags) out["Tags"] = u.Tags.map((t) => ({ ...t }));
  return out;
}

const SCHEMES = ["HTTP", "HTTPS", "gRPC", "gRPCs"];

/** The actions on IP strategies and upstreams. */
export function extraActions(store: ApigatewayStore): Record<string, ActionHandler> {
  return {
    CreateIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const type = reqStr(params, "StrategyType");
      checkOption("StrategyType", type, ["WHITE", "BLACK"], "InvalidParameter.FormatError");
      const data = reqStr(params, "StrategyData");
      checkIps(data);
      if (
        store.state.ipStrategies.filter((s) => s.ServiceId === service.ServiceId).length >=
          MAX_IP_STRATEGIES
      ) {
        throw new ApiError(
          "LimitExceeded.IpStrategyLimitExceeded",
          `A service has at most ${MAX_IP_STRATEGIES} IP strategies`,
        );
      }
      const now = isoNow(ctx);
      const s: IpStrategyRec = {
        StrategyId: ctx.newId("IPStrategy-"),
        StrategyName: reqStr(params, "StrategyName"),
        StrategyType: type,
        StrategyData: data,
        ServiceId: service.ServiceId,
        CreatedTime: now,
        ModifiedTime: now,
        bindings: [],
      };
      store.state.ipStrategies.push(s);
      return { Result: strategyView(store, s) };
    },

    DescribeIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      readFilters(params, []);
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      const env = optStr(params, "EnvironmentName");
      if (env !== undefined) checkEnv(env);
      return { Result: strategyView(store, s, env, params) };
    },

    DescribeIPStrategysStatus(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const filters = readFilters(params, ["StrategyName"]);
      const list = store.state.ipStrategies.filter((s) =>
        s.ServiceId === service.ServiceId && matchFuzzy(filters, "StrategyName", s.StrategyName)
      ).map((s) => strategyView(store, s));
      return { Result: { TotalCount: list.length, StrategySet: list } };
    },

    ModifyIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      const data = reqStr(params, "StrategyData");
      checkIps(data);
      s.StrategyData = data;
      s.ModifiedTime = isoNow(ctx);
      return { Result: true };
    },

    DeleteIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      store.state.ipStrategies = store.state.ipStrategies.filter((x) => x !== s);
      return { Result: true };
    },

    BindIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "InvalidParameterValue.InvalidEnvStatus");
      const apis = reqStrList(params, "BindApiIds").map((id) =>
        getApi(store, service.ServiceId, id)
      );
      for (const api of apis) {
        const other = store.state.ipStrategies.find((o) =>
          o !== s && o.bindings.some((b) => b.ApiId === api.ApiId && b.Environment === env)
        );
        if (other) {
          throw new ApiError(
            "UnsupportedOperation.InvalidAction",
            `API ${api.ApiId} is already bound to IP strategy ${other.StrategyId} in ${env}`,
          );
        }
      }
      for (const api of apis) {
        if (!s.bindings.some((b) => b.ApiId === api.ApiId && b.Environment === env)) {
          s.bindings.push({ Environment: env, ApiId: api.ApiId });
        }
      }
      return { Result: true };
    },

    UnBindIPStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env);
      const ids = reqStrList(params, "UnBindApiIds");
      s.bindings = s.bindings.filter((b) => !(b.Environment === env && ids.includes(b.ApiId)));
      return { Result: true };
    },

    DescribeIPStrategyApisStatus(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const s = getStrategy(store, service.ServiceId, reqStr(params, "StrategyId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env);
      const filters = readFilters(params, ["ApiPath", "ApiName", "KeyWord"]);
      const list = store.state.apis.filter((a) =>
        a.ServiceId === service.ServiceId &&
        !s.bindings.some((b) => b.ApiId === a.ApiId && b.Environment === env) &&
        matchFuzzy(filters, "ApiPath", a.Path) && matchFuzzy(filters, "ApiName", a.ApiName) &&
        matchFuzzy(filters, "KeyWord", a.Path, a.ApiName)
      ).map((a) => {
        const other = store.state.ipStrategies.find((o) =>
          o.bindings.some((b) => b.ApiId === a.ApiId)
        );
        const otherEnv = other?.bindings.find((b) => b.ApiId === a.ApiId)?.Environment ?? "";
        return {
          ApiId: a.ApiId,
          ApiName: a.ApiName,
          ApiType: a.ApiType,
          Path: a.Path,
          Method: a.Method,
          OtherIPStrategyId: other?.StrategyId ?? "",
          OtherEnvironmentName: otherEnv,
        };
      });
      return { Result: { TotalCount: list.length, ApiIdStatusSet: page(list, params) } };
    },

    CreateUpstream(params, ctx) {
      const scheme = reqStr(params, "Scheme");
      checkOption("Scheme", scheme, SCHEMES);
      const algorithm = reqStr(params, "Algorithm");
      checkOption("Algorithm", algorithm, ["ROUND-ROBIN"]);
      const type = optStr(params, "UpstreamType") ?? "IP_PORT";
      checkOption("UpstreamType", type, ["IP_PORT", "K8S"]);
      const retries = optInt(params, "Retries") ?? 3;
      if (retries < 0 || retries > 5) {
        throw new ApiError(
          "InvalidParameterValue.RangeExceeded",
          `Retries must be 0..5: got ${retries}`,
        );
      }
      const u: UpstreamRec = {
        Region: ctx.region,
        UpstreamId: ctx.newId("upstream-"),
        UpstreamName: optStr(params, "UpstreamName") ?? "",
        UpstreamDescription: optStr(params, "UpstreamDescription") ?? "",
        Scheme: scheme,
        Algorithm: algorithm,
        UniqVpcId: reqStr(params, "UniqVpcId"),
        Retries: retries,
        UpstreamType: type,
        UpstreamHost: optStr(params, "UpstreamHost") ?? "",
        Nodes: structuredClone(optObjList(params, "Nodes") ?? []),
        HealthChecker: structuredClone(optObj(params, "HealthChecker") ?? null),
        K8sServices: structuredClone(optObjList(params, "K8sService") ?? []),
        CreatedTime: isoNow(ctx),
        Tags: readTags(params),
      };
      store.state.upstreams.push(u);
      return { UpstreamId: u.UpstreamId };
    },

    DescribeUpstreams(params, ctx) {
      const filters = readFilters(params, ["UpstreamId", "UpstreamName"]);
      const found = [...store.state.upstreams].reverse().filter((u) =>
        inRegion(u, ctx) &&
        matchExact(filters, "UpstreamId", u.UpstreamId) &&
        matchFuzzy(filters, "UpstreamName", u.UpstreamName)
      );
      return {
        Result: {
          TotalCount: found.length,
          UpstreamSet: page(found, params).map((u) => upstreamView(u, true)),
        },
      };
    },

    ModifyUpstream(params, ctx) {
      const u = getUpstream(store, ctx, reqStr(params, "UpstreamId"));
      const scheme = optStr(params, "Scheme");
      if (scheme !== undefined) checkOption("Scheme", scheme, SCHEMES);
      const algorithm = optStr(params, "Algorithm");
      if (algorithm !== undefined) checkOption("Algorithm", algorithm, ["ROUND-ROBIN"]);
      const type = optStr(params, "UpstreamType");
      if (type !== undefined) checkOption("UpstreamType", type, ["IP_PORT", "K8S"]);
      const retries = optInt(params, "Retries");
      if (retries !== undefined && (retries < 0 || retries > 5)) {
        throw new ApiError(
          "InvalidParameterValue.RangeExceeded",
          `Retries must be 0..5: got ${retries}`,
        );
      }
      u.UpstreamName = optStr(params, "UpstreamName") ?? u.UpstreamName;
      u.UpstreamDescription = optStr(params, "UpstreamDescription") ?? u.UpstreamDescription;
      u.Scheme = scheme ?? u.Scheme;
      u.Algorithm = algorithm ?? u.Algorithm;
      u.UpstreamType = type ?? u.UpstreamType;
      u.UniqVpcId = optStr(params, "UniqVpcId") ?? u.UniqVpcId;
      u.Retries = retries ?? u.Retries;
      u.UpstreamHost = optStr(params, "UpstreamHost") ?? u.UpstreamHost;
      const nodes = optObjList(params, "Nodes");
      if (nodes !== undefined) u.Nodes = structuredClone(nodes);
      const checker = optObj(params, "HealthChecker");
      if (checker !== undefined) u.HealthChecker = structuredClone(checker);
      const k8s = optObjList(params, "K8sService");
      if (k8s !== undefined) u.K8sServices = structuredClone(k8s);
      return { Result: upstreamView(u, false) };
    },

    DeleteUpstream(params, ctx) {
      const u = getUpstream(store, ctx, reqStr(params, "UpstreamId"), "ResourceNotFound");
      if (store.state.apis.some((a) => a.ServiceConfig["UpstreamId"] === u.UpstreamId)) {
        throw new ApiError(
          "UnsupportedOperation.UnsupportedDeleteUpstream",
          `Upstream ${u.UpstreamId} is used by APIs: change their backend first`,
        );
      }
      store.state.upstreams = store.state.upstreams.filter((x) => x !== u);
      return { UpstreamId: u.UpstreamId };
    },

    DescribeUpstreamBindApis(params, ctx) {
      const u = getUpstream(store, ctx, reqStr(params, "UpstreamId"), "ResourceNotFound");
      const filters = readFilters(params, ["ServiceId", "ApiId"]);
      const list = store.state.apis.filter((a) =>
        a.ServiceConfig["UpstreamId"] === u.UpstreamId &&
        matchExact(filters, "ServiceId", a.ServiceId) &&
        matchExact(filters, "ApiId", a.ApiId)
      ).map((a) => ({
        ApiId: a.ApiId,
        ServiceId: a.ServiceId,
        ApiName: a.ApiName,
        ServiceName: store.state.services.find((s) => s.ServiceId === a.ServiceId)?.ServiceName ??
          "",
        BindTime: a.ModifiedTime,
      }));
      return { Result: { TotalCount: list.length, BindApiSet: page(list, params) } };
    },
  };
}
