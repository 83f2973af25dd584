/**
 * Private: API Gateway plugins and their attachment to APIs per environment.
 *
 * @module
 */

import type { ApigatewayStore, PluginAttachRec, PluginRec } from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkEnv,
  checkOption,
  getApi,
  getService,
  inRegion,
  isoNow,
  optStr,
  optStrList,
  page,
  readFilters,
  readTags,
  reqStr,
  reqStrList,
} from "./_apigateway_util.ts";

/** The plugin types the seed documents. */
export const PLUGIN_TYPES = [
  "IPControl",
  "TrafficControl",
  "Cors",
  "CustomReq",
  "CustomAuth",
  "Routing",
  "TrafficControlByParameter",
  "CircuitBreaker",
  "ProxyCache",
] as const;

function getPlugin(store: ApigatewayStore, ctx: CallContext, id: string): PluginRec {
  const found = store.state.plugins.find((p) => p.PluginId === id && inRegion(p, ctx));
  if (!found) throw new ApiError("ResourceNotFound.InvalidPlugin", `Plugin ${id} does not exist`);
  return found;
}

function checkPluginData(data: string, code: string): void {
  try {
    const parsed = JSON.parse(data);
    if (typeof parsed !== "object" || parsed === null) throw new TypeError("not an object");
  } catch {
    throw new ApiError(code, "PluginData must be a JSON object");
  }
}

/** The actions on plugins. */
export function pluginActions(store: ApigatewayStore): Record<string, ActionHandler> {
  const attachedView = (a: PluginAttachRec) => {
    const service = store.state.services.find((s) => s.ServiceId === a.ServiceId);
    const api = store.state.apis.find((x) => x.ApiId === a.ApiId);
    return {
      ServiceId: a.ServiceId,
      ServiceName: service?.ServiceName ?? "",
      ServiceDesc: service?.ServiceDesc ?? "",
      ApiId: a.ApiId,
      ApiName: api?.ApiName ?? "",
      ApiDesc: api?.ApiDesc ?? "",
      Environment: a.Environment,
      AttachedTime: a.AttachedTime,
    };
  };
  const pluginView = (p: PluginRec, params?: Record<string, unknown>) => {
    const attached = store.state.pluginAttachments.filter((a) => a.PluginId === p.PluginId);
    return {
      PluginId: p.PluginId,
      PluginName: p.PluginName,
      PluginType: p.PluginType,
      PluginData: p.PluginData,
      Description: p.Description,
      CreatedTime: p.CreatedTime,
      ModifiedTime: p.ModifiedTime,
      AttachedApiTotalCount: attached.length,
      AttachedApis: (params === undefined ? attached : page(attached, params)).map(attachedView),
    };
  };

  return {
    CreatePlugin(params, ctx) {
      const type = reqStr(params, "PluginType");
      checkOption("PluginType", type, PLUGIN_TYPES);
      const data = reqStr(params, "PluginData");
      checkPluginData(data, "InvalidParameterValue.InvalidPluginConfig");
      const name = reqStr(params, "PluginName");
      if (!/^[A-Za-z][A-Za-z0-9_]{1,49}$/.test(name)) {
        throw new ApiError(
          "InvalidParameterValue.LengthExceeded",
          `PluginName must be 2-50 letters, digits or _, starting with a letter: got ${name}`,
        );
      }
      const now = isoNow(ctx);
      const p: PluginRec = {
        Region: ctx.region,
        PluginId: ctx.newId("plugin-"),
        PluginName: name,
        PluginType: type,
        PluginData: data,
        Description: optStr(params, "Description") ?? "",
        CreatedTime: now,
        ModifiedTime: now,
        Tags: readTags(params),
      };
      store.state.plugins.push(p);
      return { Result: pluginView(p) };
    },

    DescribePlugin(params, ctx) {
      return { Result: pluginView(getPlugin(store, ctx, reqStr(params, "PluginId")), params) };
    },

    DescribePlugins(params, ctx) {
      readFilters(params, []);
      const ids = optStrList(params, "PluginIds");
      const name = optStr(params, "PluginName");
      const type = optStr(params, "PluginType");
      const found = [...store.state.plugins].reverse().filter((p) =>
        inRegion(p, ctx) &&
        (ids === undefined || ids.length === 0 || ids.includes(p.PluginId)) &&
        (name === undefined || p.PluginName.includes(name)) &&
        (type === undefined || p.PluginType === type)
      );
      return {
        Result: {
          TotalCount: found.length,
          PluginSet: page(found, params).map((p) => pluginView(p)),
        },
      };
    },

    ModifyPlugin(params, ctx) {
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      const data = optStr(params, "PluginData");
      if (data !== undefined) checkPluginData(data, "InvalidParameterValue.InvalidPluginConfig");
      p.PluginName = optStr(params, "PluginName") ?? p.PluginName;
      p.Description = optStr(params, "Description") ?? p.Description;
      p.PluginData = data ?? p.PluginData;
      p.ModifiedTime = isoNow(ctx);
      return { Result: true };
    },

    DeletePlugin(params, ctx) {
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      store.state.plugins = store.state.plugins.filter((x) => x !== p);
      store.state.pluginAttachments = store.state.pluginAttachments.filter((a) =>
        a.PluginId !== p.PluginId
      );
      return { Result: true };
    },

    AttachPlugin(params, ctx) {
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "InvalidParameterValue.InvalidEnvStatus");
      const apis = reqStrList(params, "ApiIds").map((id) => getApi(store, service.ServiceId, id));
      for (const api of apis) {
        const clash = store.state.pluginAttachments.find((a) => {
          const other = store.state.plugins.find((x) => x.PluginId === a.PluginId);
          return a.ApiId === api.ApiId && a.Environment === env && a.PluginId !== p.PluginId &&
            other?.PluginType === p.PluginType;
        });
        if (clash) {
          throw new ApiError(
            "InvalidParameterValue.DuplicatePluginConfig",
            `API ${api.ApiId} already has a ${p.PluginType} plugin (${clash.PluginId}) in ${env}`,
          );
        }
      }
      const now = isoNow(ctx);
      for (const api of apis) {
        const exists = store.state.pluginAttachments.some((a) =>
          a.PluginId === p.PluginId && a.ApiId === api.ApiId && a.Environment === env
        );
        if (!exists) {
          store.state.pluginAttachments.push({
            PluginId: p.PluginId,
            ServiceId: service.ServiceId,
            ApiId: api.ApiId,
            Environment: env,
            AttachedTime: now,
          });
        }
      }
      return { Result: true };
    },

    DetachPlugin(params, ctx) {
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env, "InvalidParameterValue.InvalidEnvStatus");
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      const idx = store.state.pluginAttachments.findIndex((a) =>
        a.PluginId === p.PluginId && a.ApiId === api.ApiId && a.Environment === env
      );
      if (idx < 0) {
        throw new ApiError(
          "InvalidParameterValue.InvalidApiIds",
          `Plugin ${p.PluginId} is not attached to ${api.ApiId} in ${env}`,
        );
      }
      store.state.pluginAttachments.splice(idx, 1);
      return { Result: true };
    },

    DescribePluginApis(params, ctx) {
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      const list = store.state.pluginAttachments.filter((a) => a.PluginId === p.PluginId).map(
        attachedView,
      );
      return { Result: { TotalCount: list.length, AttachedApis: page(list, params) } };
    },

    DescribePluginsByApi(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const api = getApi(store, service.ServiceId, reqStr(params, "ApiId"));
      const env = optStr(params, "EnvironmentName");
      if (env !== undefined) checkEnv(env);
      const list = store.state.pluginAttachments.filter((a) =>
        a.ApiId === api.ApiId && (env === undefined || a.Environment === env)
      ).flatMap((a) => {
        const p = store.state.plugins.find((x) => x.PluginId === a.PluginId);
        return p
          ? [{
            PluginId: p.PluginId,
            Environment: a.Environment,
            AttachedTime: a.AttachedTime,
            PluginName: p.PluginName,
            PluginType: p.PluginType,
            Description: p.Description,
            PluginData: p.PluginData,
          }]
          : [];
      });
      return { Result: { TotalCount: list.length, PluginSummary: page(list, params) } };
    },

    DescribeAllPluginApis(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const p = getPlugin(store, ctx, reqStr(params, "PluginId"));
      const env = reqStr(params, "EnvironmentName");
      checkEnv(env);
      const list = store.state.apis.filter((a) => a.ServiceId === service.ServiceId).map((a) => {
        const here = store.state.pluginAttachments.filter((x) =>
          x.ApiId === a.ApiId && x.Environment === env
        );
        return {
          ApiId: a.ApiId,
          ApiName: a.ApiName,
          ApiType: a.ApiType,
          Path: a.Path,
          Method: a.Method,
          AttachedOtherPlugin: here.some((x) => {
            const other = store.state.plugins.find((o) => o.PluginId === x.PluginId);
            return x.PluginId !== p.PluginId && other?.PluginType === p.PluginType;
          }),
          IsAttached: here.some((x) => x.PluginId === p.PluginId),
        };
      });
      return { Result: { TotalCount: list.length, ApiSet: page(list, params) } };
    },
  };
}
