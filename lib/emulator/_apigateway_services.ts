/**
 * Private: API Gateway services, environments, releases and request-limit strategies.
 *
 * @module
 */

import {
  type ApigatewayStore,
  DEFAULT_ENV_STRATEGY,
  newEnvironments,
  type ServiceRec,
} from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkEnv,
  checkOption,
  ENVIRONMENTS,
  filterValues,
  getApi,
  getService,
  inRegion,
  isoNow,
  matchExact,
  matchFuzzy,
  optInt,
  optStr,
  optStrList,
  page,
  randomText,
  readFilters,
  readTags,
  reqStr,
  reqStrList,
} from "./_apigateway_util.ts";
import { apiIdStatusView, envUrl, serviceView } from "./_apigateway_views.ts";

/** Largest request limit (requests per second) of an environment or API. */
export const MAX_STRATEGY = 5000;

const PROTOCOLS = ["http", "https", "http&https"] as const;

/** What the environment lists say of environment `env` of `service`. */
function envState(service: ServiceRec, env: (typeof ENVIRONMENTS)[number]) {
  return {
    EnvironmentName: env,
    Url: envUrl(service, env),
    Status: service.environments[env]?.Status ?? 0,
    VersionName: service.environments[env]?.VersionName ?? "",
  };
}
const NET_TYPES = ["INNER", "OUTER"] as const;

/** A release version name: `YYYYMMDDhhmmss` followed by a uuid, as the real service makes. */
function versionName(ctx: CallContext): string {
  const stamp = new Date(ctx.now()).toISOString().replace(/\D/g, "").slice(0, 14);
  const hex = "0123456789abcdef";
  return `${stamp}${randomText(ctx, 8, hex)}-${randomText(ctx, 4, hex)}-4${
    randomText(ctx, 3, hex)
  }-${randomText(ctx, 4, hex)}-${randomText(ctx, 12, hex)}`;
}

/** `DescribeService` / `DescribeServiceForApiApp` answer. */
function describeService(store: ApigatewayStore, service: ServiceRec): Record<string, unknown> {
  const apis = store.state.apis.filter((a) => a.ServiceId === service.ServiceId);
  const plans = store.state.planBindings.filter((b) =>
    b.ServiceId === service.ServiceId && b.ApiId === ""
  )
    .flatMap((b) => {
      const plan = store.state.usagePlans.find((p) => p.UsagePlanId === b.UsagePlanId);
      return plan
        ? [{
          Environment: b.Environment,
          UsagePlanId: plan.UsagePlanId,
          UsagePlanName: plan.UsagePlanName,
          UsagePlanDesc: plan.UsagePlanDesc,
          MaxRequestNumPreSec: plan.MaxRequestNumPreSec,
          CreatedTime: plan.CreatedTime,
          ModifiedTime: plan.ModifiedTime,
        }]
        : [];
    });
  const view = serviceView(service);
  return {
    ServiceId: service.ServiceId,
    AvailableEnvironments: view["AvailableEnvironments"],
    ServiceName: service.ServiceName,
    ServiceDesc: service.ServiceDesc,
    Protocol: service.Protocol,
    CreatedTime: service.CreatedTime,
    ModifiedTime: service.ModifiedTime,
    NetTypes: [...service.NetTypes],
    InternalSubDomain: service.InnerSubDomain,
    OuterSubDomain: service.OuterSubDomain,
    InnerHttpPort: view["InnerHttpPort"],
    InnerHttpsPort: view["InnerHttpsPort"],
    ApiTotalCount: apis.length,
    ApiIdStatusSet: apis.map(apiIdStatusView),
    UsagePlanTotalCount: plans.length,
    UsagePlanList: plans,
    IpVersion: service.IpVersion,
    UserType: "",
    SetId: 0,
    Tags: service.Tags.map((t) => ({ ...t })),
    InstanceId: service.InstanceId,
    InstanceName: "",
    SetType: "",
    DeploymentType: "SHARED",
    SpecialUse: "",
    UniqVpcId: "",
  };
}

function checkStrategy(strategy: number): void {
  if (strategy < 1 || strategy > MAX_STRATEGY) {
    throw new ApiError(
      "InvalidParameterValue.RangeExceeded",
      `Strategy must be between 1 and ${MAX_STRATEGY}: got ${strategy}`,
    );
  }
}

/** The actions on services, environments, releases and strategies. */
export function serviceActions(store: ApigatewayStore): Record<string, ActionHandler> {
  return {
    CreateService(params, ctx) {
      const name = reqStr(params, "ServiceName");
      const protocol = reqStr(params, "Protocol");
      checkOption("Protocol", protocol, PROTOCOLS);
      const netTypes = optStrList(params, "NetTypes") ?? ["OUTER"];
      for (const n of netTypes) checkOption("NetTypes", n, NET_TYPES);
      const ipVersion = optStr(params, "IpVersion") ?? "IPv4";
      checkOption("IpVersion", ipVersion, ["IPv4", "IPv6"]);
      const id = ctx.newId("service-");
      const now = isoNow(ctx);
      const region = ctx.region.replace(/^ap-/, "") || "gz";
      const service: ServiceRec = {
        Region: ctx.region,
        ServiceId: id,
        ServiceName: name,
        ServiceDesc: optStr(params, "ServiceDesc") ?? "",
        Protocol: protocol,
        NetTypes: [...new Set(netTypes)],
        IpVersion: ipVersion,
        CreatedTime: now,
        ModifiedTime: now,
        OuterSubDomain: netTypes.includes("OUTER")
          ? `${id}-1300000000.${region}.apigw.tencentcs.com`
          : "",
        InnerSubDomain: netTypes.includes("INNER")
          ? `${id}-1300000000.${region}.apigw.tencentcs.internal`
          : "",
        Tags: readTags(params),
        InstanceId: optStr(params, "InstanceId") ?? "",
        environments: newEnvironments(),
      };
      store.state.services.push(service);
      return {
        ServiceId: id,
        ServiceName: service.ServiceName,
        ServiceDesc: service.ServiceDesc,
        OuterSubDomain: service.OuterSubDomain,
        InnerSubDomain: service.InnerSubDomain,
        CreatedTime: now,
        NetTypes: [...service.NetTypes],
        IpVersion: ipVersion,
      };
    },

    DescribeService(params, ctx) {
      return describeService(store, getService(store, ctx, reqStr(params, "ServiceId")));
    },

    DescribeServiceForApiApp(params, ctx) {
      reqStr(params, "ApiRegion");
      const out = describeService(store, getService(store, ctx, reqStr(params, "ServiceId")));
      for (
        const k of [
          "InstanceId",
          "InstanceName",
          "SetType",
          "DeploymentType",
          "SpecialUse",
          "UniqVpcId",
        ]
      ) {
        delete out[k];
      }
      return out;
    },

    DescribeServicesStatus(params, ctx) {
      const filters = readFilters(params, [
        "ServiceId",
        "ServiceName",
        "NotUsagePlanId",
        "Environment",
        "IpVersion",
        "InstanceId",
        "NetType",
        "EIAMAppId",
      ]);
      const notPlans = filterValues(filters, "NotUsagePlanId");
      const envs = filterValues(filters, "Environment");
      const netTypes = filterValues(filters, "NetType");
      const found = [...store.state.services].reverse().filter((s) =>
        inRegion(s, ctx) &&
        matchExact(filters, "ServiceId", s.ServiceId) &&
        matchFuzzy(filters, "ServiceName", s.ServiceName) &&
        matchExact(filters, "IpVersion", s.IpVersion) &&
        matchExact(filters, "InstanceId", s.InstanceId) &&
        (netTypes === undefined || s.NetTypes.some((n) => netTypes.includes(n))) &&
        (notPlans === undefined
          ? envs === undefined || envs.some((e) => s.environments[e]?.Status === 1)
          : !store.state.planBindings.some((b) =>
            b.ServiceId === s.ServiceId && notPlans.includes(b.UsagePlanId) &&
            (envs === undefined || envs.includes(b.Environment))
          ))
      );
      return {
        Result: { TotalCount: found.length, ServiceSet: page(found, params).map(serviceView) },
      };
    },

    ModifyService(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const protocol = optStr(params, "Protocol");
      if (protocol !== undefined) checkOption("Protocol", protocol, PROTOCOLS);
      const netTypes = optStrList(params, "NetTypes");
      if (netTypes !== undefined) {
        for (const n of netTypes) checkOption("NetTypes", n, NET_TYPES);
        if (service.NetTypes.some((n) => !netTypes.includes(n))) {
          throw new ApiError(
            "UnsupportedOperation.ReduceNetTypes",
            "Network types of a service cannot be removed",
          );
        }
      }
      service.ServiceName = optStr(params, "ServiceName") ?? service.ServiceName;
      service.ServiceDesc = optStr(params, "ServiceDesc") ?? service.ServiceDesc;
      service.Protocol = protocol ?? service.Protocol;
      if (netTypes !== undefined) {
        const region = ctx.region.replace(/^ap-/, "") || "gz";
        service.NetTypes = [...new Set(netTypes)];
        if (netTypes.includes("INNER") && !service.InnerSubDomain) {
          service.InnerSubDomain =
            `${service.ServiceId}-1300000000.${region}.apigw.tencentcs.internal`;
        }
        if (netTypes.includes("OUTER") && !service.OuterSubDomain) {
          service.OuterSubDomain = `${service.ServiceId}-1300000000.${region}.apigw.tencentcs.com`;
        }
      }
      service.ModifiedTime = isoNow(ctx);
      return {};
    },

    DeleteService(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const id = service.ServiceId;
      if (ENVIRONMENTS.some((e) => service.environments[e]?.Status === 1)) {
        throw new ApiError(
          "UnsupportedOperation.ExistingOnlineEnvironment",
          `Service ${id} is released in an environment: unrelease it first`,
        );
      }
      if (store.state.planBindings.some((b) => b.ServiceId === id)) {
        throw new ApiError(
          "UnsupportedOperation.UsagePlanInUse",
          `Service ${id} has usage plans bound`,
        );
      }
      if (store.state.apis.some((a) => a.ServiceId === id)) {
        throw new ApiError(
          "UnsupportedOperation.ApiListNotEmpty",
          `Service ${id} still has APIs: delete them first`,
        );
      }
      const s = store.state;
      s.services = s.services.filter((x) => x.ServiceId !== id);
      s.releases = s.releases.filter((x) => x.ServiceId !== id);
      s.ipStrategies = s.ipStrategies.filter((x) => x.ServiceId !== id);
      s.domains = s.domains.filter((x) => x.ServiceId !== id);
      return { Result: true };
    },

    ReleaseService(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "FailedOperation.ServiceError");
      const apiIds = store.state.apis.filter((a) => a.ServiceId === service.ServiceId).map((a) =>
        a.ApiId
      );
      if (apiIds.length === 0) {
        throw new ApiError(
          "FailedOperation.ServiceError",
          `Service ${service.ServiceId} has no API to release`,
        );
      }
      const desc = reqStr(params, "ReleaseDesc");
      const version = versionName(ctx);
      const now = isoNow(ctx);
      store.state.releases.push({
        ServiceId: service.ServiceId,
        Environment: env,
        VersionName: version,
        VersionDesc: desc,
        ReleaseTime: now,
        ApiIds: apiIds,
      });
      const current = service.environments[env];
      service.environments[env] = {
        Status: 1,
        VersionName: version,
        Strategy: current?.Strategy ?? DEFAULT_ENV_STRATEGY,
      };
      return { Result: { ReleaseDesc: desc, ReleaseVersion: version } };
    },

    UnReleaseService(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "FailedOperation.ServiceError");
      const current = service.environments[env];
      if (!current || current.Status !== 1) {
        throw new ApiError(
          "FailedOperation.ServiceError",
          `Service ${service.ServiceId} is not released in ${env}`,
        );
      }
      service.environments[env] = { Status: 0, VersionName: "", Strategy: current.Strategy };
      return { Result: true };
    },

    UpdateService(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "FailedOperation.ServiceError");
      const version = reqStr(params, "VersionName");
      const release = store.state.releases.find((r) =>
        r.ServiceId === service.ServiceId && r.VersionName === version
      );
      if (!release) {
        throw new ApiError(
          "FailedOperation.ServiceError",
          `Version ${version} of ${service.ServiceId} does not exist`,
        );
      }
      store.state.releases.push({
        ...release,
        Environment: env,
        VersionDesc: optStr(params, "UpdateDesc") ?? release.VersionDesc,
        ReleaseTime: isoNow(ctx),
        ApiIds: [...release.ApiIds],
      });
      const current = service.environments[env];
      service.environments[env] = {
        Status: 1,
        VersionName: version,
        Strategy: current?.Strategy ?? DEFAULT_ENV_STRATEGY,
      };
      return { Result: true };
    },

    DescribeServiceReleaseVersion(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const seen = new Set<string>();
      const versions: Array<{ VersionName: string; VersionDesc: string }> = [];
      for (const r of [...store.state.releases].reverse()) {
        if (r.ServiceId !== service.ServiceId || seen.has(r.VersionName)) continue;
        seen.add(r.VersionName);
        versions.push({ VersionName: r.VersionName, VersionDesc: r.VersionDesc });
      }
      return { Result: { TotalCount: versions.length, VersionList: page(versions, params) } };
    },

    DescribeServiceEnvironmentReleaseHistory(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = optStr(params, "EnvironmentName");
      if (env !== undefined) checkEnv(env);
      const history = [...store.state.releases].reverse()
        .filter((r) =>
          r.ServiceId === service.ServiceId && (env === undefined || r.Environment === env)
        )
        .map((r) => ({
          VersionName: r.VersionName,
          VersionDesc: r.VersionDesc,
          ReleaseTime: r.ReleaseTime,
        }));
      return { Result: { TotalCount: history.length, VersionList: page(history, params) } };
    },

    DescribeServiceEnvironmentList(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const list = ENVIRONMENTS.map((e) => ({
        ...envState(service, e),
        CreateTime: service.CreatedTime,
      }));
      return { Result: { TotalCount: list.length, EnvironmentList: page(list, params) } };
    },

    DescribeServiceEnvironmentStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const list = ENVIRONMENTS.map((e) => ({
        ...envState(service, e),
        Strategy: service.environments[e]?.Strategy ?? DEFAULT_ENV_STRATEGY,
        MaxStrategy: MAX_STRATEGY,
      }));
      return { Result: { TotalCount: list.length, EnvironmentList: page(list, params) } };
    },

    ModifyServiceEnvironmentStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const strategy = optInt(params, "Strategy");
      if (strategy === undefined) {
        throw new ApiError("MissingParameter", "The parameter Strategy is missing");
      }
      checkStrategy(strategy);
      const envs = reqStrList(params, "EnvironmentNames");
      for (const e of envs) checkEnv(e, "InvalidParameterValue.InvalidRequestParameters");
      for (const e of envs) {
        const current = service.environments[e] ??
          { Status: 0, VersionName: "", Strategy: DEFAULT_ENV_STRATEGY };
        service.environments[e] = { ...current, Strategy: strategy };
      }
      return { Result: true };
    },

    DescribeApiEnvironmentStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const envs = optStrList(params, "EnvironmentNames") ?? [...ENVIRONMENTS];
      for (const e of envs) checkEnv(e);
      const apiId = optStr(params, "ApiId");
      const apis = apiId === undefined
        ? store.state.apis.filter((a) => a.ServiceId === service.ServiceId)
        : [getApi(store, service.ServiceId, apiId)];
      const list = apis.map((a) => ({
        ApiId: a.ApiId,
        ApiName: a.ApiName,
        Path: a.Path,
        Method: a.Method,
        EnvironmentStrategySet: envs.map((e) => ({
          EnvironmentName: e,
          Quota: a.strategies[e] ?? MAX_STRATEGY,
        })),
      }));
      return { Result: { TotalCount: list.length, ApiEnvironmentStrategySet: page(list, params) } };
    },

    ModifyApiEnvironmentStrategy(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const strategy = optInt(params, "Strategy");
      if (strategy === undefined) {
        throw new ApiError("MissingParameter", "The parameter Strategy is missing");
      }
      checkStrategy(strategy);
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "InvalidParameterValue.InvalidRequestParameters");
      const apis = reqStrList(params, "ApiIds").map((id) => getApi(store, service.ServiceId, id));
      for (const a of apis) a.strategies[env] = strategy;
      return { Result: true };
    },
  };
}
