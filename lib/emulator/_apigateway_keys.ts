/**
 * Private: API Gateway API keys (secret pairs) and API apps (application credentials).
 *
 * @module
 */

import type { ApiAppRec, ApigatewayStore, ApiKeyRec } from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkEnv,
  checkOption,
  filterValues,
  getApi,
  getService,
  inRegion,
  isoNow,
  matchExact,
  matchFuzzy,
  optStr,
  page,
  randomText,
  readFilters,
  readTags,
  reqStr,
  reqStrList,
} from "./_apigateway_util.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function keyView(key: ApiKeyRec): Record<string, unknown> {
  return {
    AccessKeyId: key.AccessKeyId,
    AccessKeySecret: key.AccessKeySecret,
    AccessKeyType: key.AccessKeyType,
    SecretName: key.SecretName,
    ModifiedTime: key.ModifiedTime,
    Status: key.Status,
    CreatedTime: key.CreatedTime,
    Tags: key.Tags.map((t) => ({ ...t })),
  };
}

function getKey(store: ApigatewayStore, ctx: CallContext, id: string): ApiKeyRec {
  const key = store.state.apiKeys.find((k) => k.AccessKeyId === id && inRegion(k, ctx));
  if (!key) {
    throw new ApiError("ResourceNotFound.InvalidAccessKeyId", `API key ${id} does not exist`);
  }
  return key;
}

function getApp(store: ApigatewayStore, ctx: CallContext, id: string): ApiAppRec {
  const app = store.state.apiApps.find((a) => a.ApiAppId === id && inRegion(a, ctx));
  if (!app) throw new ApiError("ResourceNotFound.InvalidApiApp", `API app ${id} does not exist`);
  return app;
}

function appView(app: ApiAppRec): Record<string, unknown> {
  return {
    ApiAppName: app.ApiAppName,
    ApiAppId: app.ApiAppId,
    ApiAppSecret: app.ApiAppSecret,
    ApiAppDesc: app.ApiAppDesc,
    CreatedTime: app.CreatedTime,
    ModifiedTime: app.ModifiedTime,
    ApiAppKey: app.ApiAppKey,
  };
}

function setKeyStatus(
  store: ApigatewayStore,
  params: Record<string, unknown>,
  ctx: CallContext,
  status: number,
) {
  const key = getKey(store, ctx, reqStr(params, "AccessKeyId"));
  key.Status = status;
  key.ModifiedTime = isoNow(ctx);
  return { Result: true };
}

/** The actions on API keys and API apps. */
export function keyActions(store: ApigatewayStore): Record<string, ActionHandler> {
  const appBindingsView = (
    pred: (b: ApigatewayStore["state"]["apiAppBindings"][number]) => boolean,
  ) =>
    store.state.apiAppBindings.filter(pred).map((b) => {
      const app = store.state.apiApps.find((a) => a.ApiAppId === b.ApiAppId);
      const api = store.state.apis.find((a) => a.ApiId === b.ApiId);
      return {
        ApiAppName: app?.ApiAppName ?? "",
        ApiAppId: b.ApiAppId,
        ApiId: b.ApiId,
        ApiName: api?.ApiName ?? "",
        ServiceId: b.ServiceId,
        AuthorizedTime: b.AuthorizedTime,
        ApiRegion: "",
        EnvironmentName: b.Environment,
      };
    });

  return {
    CreateApiKey(params, ctx) {
      const type = optStr(params, "AccessKeyType") ?? "auto";
      checkOption("AccessKeyType", type, ["auto", "manual"], "InvalidParameter.FormatError");
      let id = `AKID${randomText(ctx, 32, ALNUM)}`;
      let secret = randomText(ctx, 40, ALNUM);
      if (type === "manual") {
        id = reqStr(params, "AccessKeyId");
        secret = reqStr(params, "AccessKeySecret");
        if (!/^[A-Za-z0-9_]{5,50}$/.test(id)) {
          throw new ApiError(
            "InvalidParameter.FormatError",
            "AccessKeyId must be 5-50 letters, digits or _",
          );
        }
        if (!/^[A-Za-z0-9_]{10,50}$/.test(secret)) {
          throw new ApiError(
            "InvalidParameter.FormatError",
            "AccessKeySecret must be 10-50 letters, digits or _",
          );
        }
      }
      if (store.state.apiKeys.some((k) => k.AccessKeyId === id)) {
        throw new ApiError("FailedOperation.AccessKeyExist", `API key ${id} already exists`);
      }
      const now = isoNow(ctx);
      const key: ApiKeyRec = {
        Region: ctx.region,
        AccessKeyId: id,
        AccessKeySecret: secret,
        AccessKeyType: type,
        SecretName: reqStr(params, "SecretName"),
        Status: 1,
        CreatedTime: now,
        ModifiedTime: now,
        Tags: readTags(params),
      };
      store.state.apiKeys.push(key);
      return { Result: keyView(key) };
    },

    DescribeApiKey(params, ctx) {
      return { Result: keyView(getKey(store, ctx, reqStr(params, "AccessKeyId"))) };
    },

    DescribeApiKeysStatus(params, ctx) {
      const filters = readFilters(params, [
        "AccessKeyId",
        "AccessKeySecret",
        "SecretName",
        "NotUsagePlanId",
        "Status",
        "KeyWord",
      ]);
      const notPlans = filterValues(filters, "NotUsagePlanId");
      const found = [...store.state.apiKeys].reverse().filter((k) =>
        inRegion(k, ctx) &&
        matchExact(filters, "AccessKeyId", k.AccessKeyId) &&
        matchExact(filters, "AccessKeySecret", k.AccessKeySecret) &&
        matchFuzzy(filters, "SecretName", k.SecretName) &&
        matchExact(filters, "Status", String(k.Status)) &&
        matchFuzzy(filters, "KeyWord", k.SecretName, k.AccessKeyId) &&
        (notPlans === undefined ||
          !store.state.keyBindings.some((b) =>
            b.AccessKeyId === k.AccessKeyId && notPlans.includes(b.UsagePlanId)
          ))
      );
      return { Result: { TotalCount: found.length, ApiKeySet: page(found, params).map(keyView) } };
    },

    DisableApiKey: (params, ctx) => setKeyStatus(store, params, ctx, 0),
    EnableApiKey: (params, ctx) => setKeyStatus(store, params, ctx, 1),

    UpdateApiKey(params, ctx) {
      const key = getKey(store, ctx, reqStr(params, "AccessKeyId"));
      const given = optStr(params, "AccessKeySecret");
      if (key.AccessKeyType === "manual" && given === undefined) {
        throw new ApiError(
          "MissingParameter",
          "AccessKeySecret is required to update a manual key",
        );
      }
      key.AccessKeySecret = given ?? randomText(ctx, 40, ALNUM);
      key.ModifiedTime = isoNow(ctx);
      return { Result: keyView(key) };
    },

    DeleteApiKey(params, ctx) {
      const key = getKey(store, ctx, reqStr(params, "AccessKeyId"));
      if (key.Status === 1) {
        throw new ApiError(
          "UnsupportedOperation.InvalidStatus",
          `API key ${key.AccessKeyId} is enabled: disable it first`,
        );
      }
      if (store.state.keyBindings.some((b) => b.AccessKeyId === key.AccessKeyId)) {
        throw new ApiError(
          "UnsupportedOperation.ResourceIsInUse",
          `API key ${key.AccessKeyId} is bound to a usage plan: unbind it first`,
        );
      }
      store.state.apiKeys = store.state.apiKeys.filter((k) => k.AccessKeyId !== key.AccessKeyId);
      return { Result: true };
    },

    CreateApiApp(params, ctx) {
      const now = isoNow(ctx);
      const app: ApiAppRec = {
        Region: ctx.region,
        ApiAppId: ctx.newId("app-"),
        ApiAppName: reqStr(params, "ApiAppName"),
        ApiAppDesc: optStr(params, "ApiAppDesc") ?? "",
        ApiAppKey: `APID${randomText(ctx, 28, ALNUM)}`,
        ApiAppSecret: randomText(ctx, 40, ALNUM),
        CreatedTime: now,
        ModifiedTime: now,
      };
      store.state.apiApps.push(app);
      return { Result: appView(app) };
    },

    DescribeApiApp(params, ctx) {
      // a search by id: an unknown id finds nothing (the seed documents no not-found code)
      const id = reqStr(params, "ApiAppId");
      const found = store.state.apiApps.filter((a) => a.ApiAppId === id && inRegion(a, ctx));
      return { Result: { TotalCount: found.length, ApiAppSet: found.map(appView) } };
    },

    DescribeApiAppsStatus(params, ctx) {
      const filters = readFilters(params, ["ApiAppId", "ApiAppName", "KeyWord"]);
      const found = [...store.state.apiApps].reverse().filter((a) =>
        inRegion(a, ctx) &&
        matchExact(filters, "ApiAppId", a.ApiAppId) &&
        matchFuzzy(filters, "ApiAppName", a.ApiAppName) &&
        matchFuzzy(filters, "KeyWord", a.ApiAppName, a.ApiAppId)
      );
      return { Result: { TotalCount: found.length, ApiAppSet: page(found, params).map(appView) } };
    },

    ModifyApiApp(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      app.ApiAppName = optStr(params, "ApiAppName") ?? app.ApiAppName;
      app.ApiAppDesc = optStr(params, "ApiAppDesc") ?? app.ApiAppDesc;
      app.ModifiedTime = isoNow(ctx);
      return { Result: true };
    },

    UpdateApiAppKey(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      const appKey = reqStr(params, "ApiAppKey");
      if (appKey !== app.ApiAppKey) {
        throw new ApiError(
          "ResourceNotFound.InvalidApiApp",
          `ApiAppKey does not belong to API app ${app.ApiAppId}`,
        );
      }
      app.ApiAppSecret = optStr(params, "ApiAppSecret") ?? randomText(ctx, 40, ALNUM);
      app.ModifiedTime = isoNow(ctx);
      return { Result: true };
    },

    DeleteApiApp(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      if (store.state.apiAppBindings.some((b) => b.ApiAppId === app.ApiAppId)) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAssociated",
          `API app ${app.ApiAppId} is bound to APIs: unbind it first`,
        );
      }
      store.state.apiApps = store.state.apiApps.filter((a) => a.ApiAppId !== app.ApiAppId);
      return { Result: true };
    },

    BindApiApp(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      const env = reqStr(params, "Environment");
      checkEnv(env, "InvalidParameterValue.InvalidEnv");
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      if (api.AuthType !== "APP") {
        throw new ApiError(
          "UnsupportedOperation.UnsupportedBindEnvironment",
          `API ${api.ApiId} does not use APP authentication (AuthType ${api.AuthType})`,
        );
      }
      const exists = store.state.apiAppBindings.some((b) =>
        b.ApiAppId === app.ApiAppId && b.ApiId === api.ApiId && b.Environment === env
      );
      if (exists) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAssociated",
          `API app ${app.ApiAppId} is already bound to ${api.ApiId} in ${env}`,
        );
      }
      store.state.apiAppBindings.push({
        ApiAppId: app.ApiAppId,
        ServiceId: service.ServiceId,
        ApiId: api.ApiId,
        Environment: env,
        AuthorizedTime: isoNow(ctx),
      });
      return { Result: true };
    },

    UnbindApiApp(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      const env = reqStr(params, "Environment");
      checkEnv(env, "InvalidParameterValue.InvalidEnv");
      const serviceId = reqStr(params, "ServiceId");
      const apiId = reqStr(params, "ApiId");
      const idx = store.state.apiAppBindings.findIndex((b) =>
        b.ApiAppId === app.ApiAppId && b.ServiceId === serviceId && b.ApiId === apiId &&
        b.Environment === env
      );
      if (idx < 0) {
        throw new ApiError(
          "UnsupportedOperation.ResourceUnassociated",
          `API app ${app.ApiAppId} is not bound to ${apiId} in ${env}`,
        );
      }
      store.state.apiAppBindings.splice(idx, 1);
      return { Result: true };
    },

    DescribeApiAppBindApisStatus(params, ctx) {
      const app = getApp(store, ctx, reqStr(params, "ApiAppId"));
      const filters = readFilters(params, [
        "ApiId",
        "ApiName",
        "ServiceId",
        "Environment",
        "KeyWord",
      ]);
      const list = appBindingsView((b) => b.ApiAppId === app.ApiAppId).filter((b) =>
        matchExact(filters, "ApiId", b.ApiId) && matchFuzzy(filters, "ApiName", b.ApiName) &&
        matchExact(filters, "ServiceId", b.ServiceId) &&
        matchExact(filters, "Environment", b.EnvironmentName) &&
        matchFuzzy(filters, "KeyWord", b.ApiName, b.ApiId)
      );
      return { Result: { TotalCount: list.length, ApiAppApiSet: page(list, params) } };
    },

    DescribeApiBindApiAppsStatus(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const apiIds = reqStrList(params, "ApiIds");
      for (const id of apiIds) getApi(store, service.ServiceId, id);
      const filters = readFilters(params, ["ApiAppId", "Environment", "KeyWord"]);
      const list = appBindingsView((b) =>
        b.ServiceId === service.ServiceId && apiIds.includes(b.ApiId)
      ).filter(
        (b) =>
          matchExact(filters, "ApiAppId", b.ApiAppId) &&
          matchExact(filters, "Environment", b.EnvironmentName) &&
          matchFuzzy(filters, "KeyWord", b.ApiAppName, b.ApiAppId),
      );
      return { Result: { TotalCount: list.length, ApiAppApiSet: page(list, params) } };
    },
  };
}
