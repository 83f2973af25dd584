/**
 * Private: how API Gateway records are shown in responses (the documented structures).
 *
 * @module
 */

import type { ApigatewayStore, ApiRec, ServiceRec, UsagePlanRec } from "./apigateway_data.ts";
import { ENVIRONMENTS } from "./_apigateway_util.ts";

/** The environments of a service that are released. */
export function availableEnvironments(service: ServiceRec): string[] {
  return ENVIRONMENTS.filter((e) => service.environments[e]?.Status === 1);
}

/** The URL of an environment of a service. */
export function envUrl(service: ServiceRec, env: string): string {
  return `${service.OuterSubDomain || service.InnerSubDomain}/${env}`;
}

/** `Service` (an entry of `ServicesStatus.ServiceSet`). */
export function serviceView(service: ServiceRec): Record<string, unknown> {
  return {
    InnerHttpsPort: service.InnerSubDomain ? 443 : 0,
    ServiceDesc: service.ServiceDesc,
    Protocol: service.Protocol,
    ModifiedTime: service.ModifiedTime,
    NetTypes: [...service.NetTypes],
    ExclusiveSetName: "",
    ServiceId: service.ServiceId,
    IpVersion: service.IpVersion,
    AvailableEnvironments: availableEnvironments(service),
    ServiceName: service.ServiceName,
    OuterSubDomain: service.OuterSubDomain,
    CreatedTime: service.CreatedTime,
    InnerHttpPort: service.InnerSubDomain ? 80 : 0,
    InnerSubDomain: service.InnerSubDomain,
    TradeIsolateStatus: 0,
    Tags: service.Tags.map((t) => ({ ...t })),
    InstanceId: service.InstanceId,
    SetType: "",
    DeploymentType: "SHARED",
  };
}

/** `OauthConfig` of an API (empty unless OAUTH). */
function oauthView(api: ApiRec): Record<string, unknown> {
  const oauth = api.extra["OauthConfig"];
  if (oauth && typeof oauth === "object") return { ...(oauth as Record<string, unknown>) };
  return { PublicKey: "", TokenLocation: "", LoginRedirectUrl: "" };
}

/** `ApiIdStatus` (in `DescribeService`). */
export function apiIdStatusView(api: ApiRec): Record<string, unknown> {
  return {
    ServiceId: api.ServiceId,
    ApiId: api.ApiId,
    ApiDesc: api.ApiDesc,
    Path: api.Path,
    Method: api.Method,
    CreatedTime: api.CreatedTime,
    ModifiedTime: api.ModifiedTime,
    ApiName: api.ApiName,
    UniqVpcId: "",
    ApiType: api.ApiType,
    Protocol: api.Protocol,
    IsDebugAfterCharge: api.IsDebugAfterCharge,
    AuthType: api.AuthType,
    ApiBusinessType: api.ApiBusinessType,
    AuthRelationApiId: api.AuthRelationApiId,
    RelationBuniessApiIds: [],
    OauthConfig: oauthView(api),
    TokenLocation: "",
  };
}

/** `DesApisStatus` / `DescribeApisStatusResultApiIdStatusSetInfo` (API lists). */
export function apiStatusView(api: ApiRec): Record<string, unknown> {
  return {
    ServiceId: api.ServiceId,
    ApiId: api.ApiId,
    ApiDesc: api.ApiDesc,
    CreatedTime: api.CreatedTime,
    ModifiedTime: api.ModifiedTime,
    ApiName: api.ApiName,
    VpcId: 0,
    UniqVpcId: "",
    ApiType: api.ApiType,
    Protocol: api.Protocol,
    IsDebugAfterCharge: api.IsDebugAfterCharge,
    AuthType: api.AuthType,
    ApiBusinessType: api.ApiBusinessType,
    AuthRelationApiId: api.AuthRelationApiId,
    OauthConfig: oauthView(api),
    RelationBuniessApiIds: [],
    Tags: [],
    Path: api.Path,
    Method: api.Method,
  };
}

/** Fields of `ApiInfo` taken from the request as given. */
const API_INFO_EXTRA = [
  "ResponseType",
  "ResponseSuccessExample",
  "ResponseFailExample",
  "ResponseErrorCodes",
  "RequestParameters",
  "ServiceParameters",
  "ConstantParameters",
  "ServiceMockReturnMessage",
  "ServiceScfFunctionName",
  "ServiceScfFunctionNamespace",
  "ServiceScfFunctionQualifier",
  "ServiceScfIsIntegratedResponse",
  "ServiceWebsocketRegisterFunctionName",
  "ServiceWebsocketRegisterFunctionNamespace",
  "ServiceWebsocketRegisterFunctionQualifier",
  "ServiceWebsocketCleanupFunctionName",
  "ServiceWebsocketCleanupFunctionNamespace",
  "ServiceWebsocketCleanupFunctionQualifier",
  "ServiceWebsocketTransportFunctionName",
  "ServiceWebsocketTransportFunctionNamespace",
  "ServiceWebsocketTransportFunctionQualifier",
  "MicroServices",
  "ServiceTsfLoadBalanceConf",
  "ServiceTsfHealthCheckConf",
  "IsBase64Encoded",
  "IsBase64Trigger",
  "Base64EncodedTriggerRules",
  "ServiceScfEventIsAsyncCall",
] as const;

/** `ApiInfo` (`DescribeApi`). */
export function apiInfoView(store: ApigatewayStore, api: ApiRec): Record<string, unknown> {
  const service = store.state.services.find((s) => s.ServiceId === api.ServiceId);
  const released = store.state.releases.filter((r) =>
    r.ServiceId === api.ServiceId &&
    service?.environments[r.Environment]?.VersionName === r.VersionName &&
    service.environments[r.Environment]?.Status === 1 && r.ApiIds.includes(api.ApiId)
  ).map((r) => r.Environment);
  const out: Record<string, unknown> = {
    ServiceId: api.ServiceId,
    ServiceName: service?.ServiceName ?? "",
    ServiceDesc: service?.ServiceDesc ?? "",
    ApiId: api.ApiId,
    ApiDesc: api.ApiDesc,
    CreatedTime: api.CreatedTime,
    ModifiedTime: api.ModifiedTime,
    ApiName: api.ApiName,
    ApiType: api.ApiType,
    Protocol: api.Protocol,
    AuthType: api.AuthType,
    ApiBusinessType: api.ApiBusinessType,
    AuthRelationApiId: api.AuthRelationApiId,
    OauthConfig: oauthView(api),
    IsDebugAfterCharge: api.IsDebugAfterCharge,
    RequestConfig: { Path: api.Path, Method: api.Method },
    ServiceTimeout: api.ServiceTimeout,
    ServiceType: api.ServiceType,
    ServiceConfig: structuredClone(api.ServiceConfig),
    InternalDomain: "",
    EnableCORS: api.EnableCORS,
    Tags: [],
    Environments: [...new Set(released)],
  };
  for (const name of API_INFO_EXTRA) {
    if (api.extra[name] !== undefined) out[name] = structuredClone(api.extra[name]);
  }
  return out;
}

/** The fields of a usage plan that both of its views show first. */
function planFields(plan: UsagePlanRec) {
  return {
    UsagePlanId: plan.UsagePlanId,
    UsagePlanName: plan.UsagePlanName,
    UsagePlanDesc: plan.UsagePlanDesc,
    MaxRequestNumPreSec: plan.MaxRequestNumPreSec,
    MaxRequestNum: plan.MaxRequestNum,
    CreatedTime: plan.CreatedTime,
    ModifiedTime: plan.ModifiedTime,
  };
}

/** `UsagePlanStatusInfo` (usage plan lists). */
export function planStatusView(plan: UsagePlanRec): Record<string, unknown> {
  return {
    ...planFields(plan),
    Tags: plan.Tags.map((t) => ({ ...t })),
  };
}

/** `UsagePlanInfo` (`CreateUsagePlan`, `DescribeUsagePlan`, `ModifyUsagePlan`). */
export function planInfoView(store: ApigatewayStore, plan: UsagePlanRec): Record<string, unknown> {
  const secretIds = store.state.keyBindings.filter((k) => k.UsagePlanId === plan.UsagePlanId)
    .map((k) => k.AccessKeyId);
  const seen = new Set<string>();
  const envs: Array<{ EnvironmentName: string; ServiceId: string }> = [];
  for (const b of store.state.planBindings) {
    if (b.UsagePlanId !== plan.UsagePlanId) continue;
    const key = `${b.ServiceId}/${b.Environment}`;
    if (seen.has(key)) continue;
    seen.add(key);
    envs.push({ EnvironmentName: b.Environment, ServiceId: b.ServiceId });
  }
  return {
    ...planFields(plan),
    BindSecretIdTotalCount: secretIds.length,
    BindSecretIds: secretIds,
    BindEnvironmentTotalCount: envs.length,
    BindEnvironments: envs,
    Tags: plan.Tags.map((t) => ({ ...t })),
  };
}
