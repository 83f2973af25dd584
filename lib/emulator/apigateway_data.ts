/**
 * State shape and built-in demo data of the emulated API Gateway (apigateway 2018-08-08).
 *
 * The state is plain JSON: it is what `snapshot()` returns and what `load(data)` accepts.
 * Field names of records follow the API's own names where the API has them.
 *
 * @module
 */

/** A `{Key, Value}` tag. */
export interface Tag {
  Key: string;
  Value: string;
}

/** One environment (`test`, `prepub`, `release`) of a service. */
export interface EnvState {
  /** 1 when released (published), 0 when not. */
  Status: number;
  /** The version currently published, `""` when none. */
  VersionName: string;
  /** Service-level request limit (requests per second) of the environment. */
  Strategy: number;
}

/** A service. */
export interface ServiceRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  ServiceId: string;
  ServiceName: string;
  ServiceDesc: string;
  Protocol: string;
  NetTypes: string[];
  IpVersion: string;
  CreatedTime: string;
  ModifiedTime: string;
  OuterSubDomain: string;
  InnerSubDomain: string;
  Tags: Tag[];
  InstanceId: string;
  environments: Record<string, EnvState>;
}

/** An API of a service. */
export interface ApiRec {
  ServiceId: string;
  ApiId: string;
  ApiName: string;
  ApiDesc: string;
  ApiType: string;
  Protocol: string;
  AuthType: string;
  ApiBusinessType: string;
  AuthRelationApiId: string;
  Path: string;
  Method: string;
  ServiceType: string;
  ServiceTimeout: number;
  EnableCORS: boolean;
  IsDebugAfterCharge: boolean;
  CreatedTime: string;
  ModifiedTime: string;
  /** `ServiceConfig` as given (may hold `UpstreamId`). */
  ServiceConfig: Record<string, unknown>;
  /** Other request fields kept as given (`RequestParameters`, `ServiceMockReturnMessage`…). */
  extra: Record<string, unknown>;
  /** Per-environment API request limit (requests per second). */
  strategies: Record<string, number>;
}

/** One release of a service to an environment. */
export interface ReleaseRec {
  ServiceId: string;
  Environment: string;
  VersionName: string;
  VersionDesc: string;
  ReleaseTime: string;
  ApiIds: string[];
}

/** A usage plan. */
export interface UsagePlanRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  UsagePlanId: string;
  UsagePlanName: string;
  UsagePlanDesc: string;
  MaxRequestNum: number;
  MaxRequestNumPreSec: number;
  CreatedTime: string;
  ModifiedTime: string;
  Tags: Tag[];
}

/** A usage plan bound to a service environment (`ApiId` `""`) or to one API of it. */
export interface PlanBindingRec {
  UsagePlanId: string;
  ServiceId: string;
  Environment: string;
  ApiId: string;
  CreatedTime: string;
}

/** An API key (secret pair). */
export interface ApiKeyRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  AccessKeyId: string;
  AccessKeySecret: string;
  AccessKeyType: string;
  SecretName: string;
  /** 1 enabled, 0 disabled. */
  Status: number;
  CreatedTime: string;
  ModifiedTime: string;
  Tags: Tag[];
}

/** An API key bound to a usage plan. */
export interface KeyBindingRec {
  UsagePlanId: string;
  AccessKeyId: string;
}

/** An IP strategy of a service, with its API bindings per environment. */
export interface IpStrategyRec {
  StrategyId: string;
  StrategyName: string;
  StrategyType: string;
  StrategyData: string;
  ServiceId: string;
  CreatedTime: string;
  ModifiedTime: string;
  bindings: Array<{ Environment: string; ApiId: string }>;
}

/** A plugin. */
export interface PluginRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  PluginId: string;
  PluginName: string;
  PluginType: string;
  PluginData: string;
  Description: string;
  CreatedTime: string;
  ModifiedTime: string;
  Tags: Tag[];
}

/** A plugin attached to an API in an environment. */
export interface PluginAttachRec {
  PluginId: string;
  ServiceId: string;
  ApiId: string;
  Environment: string;
  AttachedTime: string;
}

/** A custom domain bound to a service. */
export interface DomainRec {
  ServiceId: string;
  DomainName: string;
  Protocol: string;
  NetType: string;
  CertificateId: string;
  IsDefaultMapping: boolean;
  IsForcedHttps: boolean;
  PathMappingSet: Array<{ Path: string; Environment: string }>;
}

/** An upstream (backend channel). */
export interface UpstreamRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  UpstreamId: string;
  UpstreamName: string;
  UpstreamDescription: string;
  Scheme: string;
  Algorithm: string;
  UniqVpcId: string;
  Retries: number;
  UpstreamType: string;
  UpstreamHost: string;
  Nodes: Record<string, unknown>[];
  HealthChecker: Record<string, unknown> | null;
  K8sServices: Record<string, unknown>[];
  CreatedTime: string;
  Tags: Tag[];
}

/** An API app (application credentials for APP-authenticated APIs). */
export interface ApiAppRec {
  /** Region the resource lives in (`X-TC-Region` of its creation). */
  Region: string;
  ApiAppId: string;
  ApiAppName: string;
  ApiAppDesc: string;
  ApiAppKey: string;
  ApiAppSecret: string;
  CreatedTime: string;
  ModifiedTime: string;
}

/** An API app authorized on an API in an environment. */
export interface ApiAppBindingRec {
  ApiAppId: string;
  ServiceId: string;
  ApiId: string;
  Environment: string;
  AuthorizedTime: string;
}

/** The whole API Gateway state. */
export interface ApigatewayState {
  services: ServiceRec[];
  apis: ApiRec[];
  releases: ReleaseRec[];
  usagePlans: UsagePlanRec[];
  planBindings: PlanBindingRec[];
  apiKeys: ApiKeyRec[];
  keyBindings: KeyBindingRec[];
  ipStrategies: IpStrategyRec[];
  plugins: PluginRec[];
  pluginAttachments: PluginAttachRec[];
  domains: DomainRec[];
  upstreams: UpstreamRec[];
  apiApps: ApiAppRec[];
  apiAppBindings: ApiAppBindingRec[];
}

/** The fixed id of the demo service. */
export const DEMO_SERVICE_ID = "service-ody35h5e";

/** An empty state (every list empty). */
export function emptyApigatewayState(): ApigatewayState {
  return {
    services: [],
    apis: [],
    releases: [],
    usagePlans: [],
    planBindings: [],
    apiKeys: [],
    keyBindings: [],
    ipStrategies: [],
    plugins: [],
    pluginAttachments: [],
    domains: [],
    upstreams: [],
    apiApps: [],
    apiAppBindings: [],
  };
}

/** Default service-level request limit of an environment (requests per second). */
export const DEFAULT_ENV_STRATEGY = 5000;

/** The environments record of a new service (nothing released). */
export function newEnvironments(): Record<string, EnvState> {
  return {
    test: { Status: 0, VersionName: "", Strategy: DEFAULT_ENV_STRATEGY },
    prepub: { Status: 0, VersionName: "", Strategy: DEFAULT_ENV_STRATEGY },
    release: { Status: 0, VersionName: "", Strategy: DEFAULT_ENV_STRATEGY },
  };
}

function demoApi(apiId: string, name: string, path: string, method: string, time: string): ApiRec {
  return {
    ServiceId: DEMO_SERVICE_ID,
    ApiId: apiId,
    ApiName: name,
    ApiDesc: `${method} ${path} of the demo service`,
    ApiType: "NORMAL",
    Protocol: "HTTP",
    AuthType: "SECRET",
    ApiBusinessType: "NORMAL",
    AuthRelationApiId: "",
    Path: path,
    Method: method,
    ServiceType: "MOCK",
    ServiceTimeout: 15,
    EnableCORS: false,
    IsDebugAfterCharge: false,
    CreatedTime: time,
    ModifiedTime: time,
    ServiceConfig: {},
    extra: { ServiceMockReturnMessage: `{"ok":true,"api":"${name}"}` },
    strategies: {},
  };
}

/**
 * The built-in demo data: service `service-ody35h5e` (`demo-service`, `http&https`) with
 * `api-demo0001` (`GET /orders`) and `api-demo0002` (`POST /payments`), released on `test`, in region `ap-guangzhou`.
 */
export function demoApigatewayState(): ApigatewayState {
  const created = "2026-01-05T08:00:00Z";
  const released = "2026-01-05T08:05:00Z";
  const version = "20260105080500a1b2c3d4-0e1f-4a5b-8c9d-0123456789ab";
  const state = emptyApigatewayState();
  const environments = newEnvironments();
  environments["test"] = { Status: 1, VersionName: version, Strategy: DEFAULT_ENV_STRATEGY };
  state.services.push({
    Region: "ap-guangzhou",
    ServiceId: DEMO_SERVICE_ID,
    ServiceName: "demo-service",
    ServiceDesc: "Demo service of the tcflow emulator",
    Protocol: "http&https",
    NetTypes: ["OUTER"],
    IpVersion: "IPv4",
    CreatedTime: created,
    ModifiedTime: released,
    OuterSubDomain: `${DEMO_SERVICE_ID}-1300000000.gz.apigw.tencentcs.com`,
    InnerSubDomain: "",
    Tags: [],
    InstanceId: "",
    environments,
  });
  state.apis.push(demoApi("api-demo0001", "list-orders", "/orders", "GET", created));
  state.apis.push(demoApi("api-demo0002", "create-payment", "/payments", "POST", created));
  state.releases.push({
    ServiceId: DEMO_SERVICE_ID,
    Environment: "test",
    VersionName: version,
    VersionDesc: "initial demo release",
    ReleaseTime: released,
    ApiIds: ["api-demo0001", "api-demo0002"],
  });
  return state;
}

/** The mutable holder the action handlers share; `load` swaps `state`. */
export interface ApigatewayStore {
  state: ApigatewayState;
}
