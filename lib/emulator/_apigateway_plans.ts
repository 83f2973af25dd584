/**
 * Private: API Gateway usage plans and their bindings to environments, APIs and API keys.
 *
 * @module
 */

import type {
  ApigatewayStore,
  PlanBindingRec,
  ServiceRec,
  UsagePlanRec,
} from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  checkEnv,
  filterValues,
  getApi,
  getPlan,
  getService,
  inRegion,
  isoNow,
  matchExact,
  matchFuzzy,
  optInt,
  optStr,
  optStrList,
  page,
  readFilters,
  readTags,
  reqStr,
  reqStrList,
} from "./_apigateway_util.ts";
import { planInfoView, planStatusView } from "./_apigateway_views.ts";

function checkQuota(name: string, value: number, max: number): void {
  if (value !== -1 && (value < 1 || value > max)) {
    throw new ApiError(
      "InvalidParameterValue.InvalidMaxRequestNum",
      `${name} must be -1 or between 1 and ${max}: got ${value}`,
    );
  }
}

function readBindType(params: Record<string, unknown>): "SERVICE" | "API" {
  const t = reqStr(params, "BindType");
  if (t !== "SERVICE" && t !== "API") {
    throw new ApiError("InvalidParameter.FormatError", `BindType must be SERVICE or API: got ${t}`);
  }
  return t;
}

/**
 * What `BindEnvironment` and `UnBindEnvironment` name: the service, its environment and the
 * API ids (`[""]`, the whole service, for `SERVICE` bindings).
 *
 * @throws {ApiError} an unknown service or API, a bad environment, or `noApiIdsCode` when an
 *   `API` binding names no API
 */
function bindingTarget(
  store: ApigatewayStore,
  params: Record<string, unknown>,
  ctx: CallContext,
  o: { bindType: "SERVICE" | "API"; noApiIdsCode: string },
): { service: ServiceRec; env: string; apiIds: string[] } {
  const service = getService(store, ctx, reqStr(params, "ServiceId"));
  const env = reqStr(params, "Environment");
  checkEnv(env);
  const apiIds = o.bindType === "API" ? (optStrList(params, "ApiIds") ?? []) : [""];
  if (o.bindType === "API") {
    if (apiIds.length === 0) {
      throw new ApiError(o.noApiIdsCode, "ApiIds is required when BindType is API");
    }
    for (const id of apiIds) getApi(store, service.ServiceId, id);
  }
  return { service, env, apiIds };
}

/** `UsagePlanEnvironment` / `ApiUsagePlan` entry of one binding. */
function bindingView(
  store: ApigatewayStore,
  b: PlanBindingRec,
  plan: UsagePlanRec,
  withPlan: boolean,
) {
  const service = store.state.services.find((s) => s.ServiceId === b.ServiceId);
  const api = store.state.apis.find((a) => a.ApiId === b.ApiId);
  const out: Record<string, unknown> = {
    ServiceId: b.ServiceId,
    ApiId: b.ApiId,
    ApiName: api?.ApiName ?? "",
    Path: api?.Path ?? "",
    Method: api?.Method ?? "",
    Environment: b.Environment,
    InUseRequestNum: 0,
    MaxRequestNum: plan.MaxRequestNum,
    MaxRequestNumPreSec: plan.MaxRequestNumPreSec,
    CreatedTime: b.CreatedTime,
    ModifiedTime: plan.ModifiedTime,
    ServiceName: service?.ServiceName ?? "",
  };
  if (withPlan) {
    out["UsagePlanId"] = plan.UsagePlanId;
    out["UsagePlanName"] = plan.UsagePlanName;
    out["UsagePlanDesc"] = plan.UsagePlanDesc;
    out["Tags"] = plan.Tags.map((t) => ({ ...t }));
  }
  return out;
}

/** Bindings of service `serviceId` at level `level` (`""` service-level, else API-level), as `ApiUsagePlan`. */
function serviceBindings(store: ApigatewayStore, serviceId: string, apiLevel: boolean) {
  return store.state.planBindings.filter((b) =>
    b.ServiceId === serviceId && (b.ApiId !== "") === apiLevel
  )
    .flatMap((b) => {
      const plan = store.state.usagePlans.find((p) => p.UsagePlanId === b.UsagePlanId);
      return plan ? [bindingView(store, b, plan, true)] : [];
    });
}

/** The actions on usage plans and bindings. */
export function planActions(store: ApigatewayStore): Record<string, ActionHandler> {
  return {
    CreateUsagePlan(params, ctx) {
      const maxNum = optInt(params, "MaxRequestNum") ?? -1;
      const maxPerS = optInt(params, "MaxRequestNumPreSec") ?? -1;
      checkQuota("MaxRequestNum", maxNum, 99999999);
      checkQuota("MaxRequestNumPreSec", maxPerS, 2000);
      const now = isoNow(ctx);
      const plan: UsagePlanRec = {
        Region: ctx.region,
        UsagePlanId: ctx.newId("usagePlan-"),
        UsagePlanName: reqStr(params, "UsagePlanName"),
        UsagePlanDesc: optStr(params, "UsagePlanDesc") ?? "",
        MaxRequestNum: maxNum,
        MaxRequestNumPreSec: maxPerS,
        CreatedTime: now,
        ModifiedTime: now,
        Tags: readTags(params),
      };
      store.state.usagePlans.push(plan);
      return { Result: planInfoView(store, plan) };
    },

    DescribeUsagePlan(params, ctx) {
      return { Result: planInfoView(store, getPlan(store, ctx, reqStr(params, "UsagePlanId"))) };
    },

    DescribeUsagePlansStatus(params, ctx) {
      const filters = readFilters(params, [
        "UsagePlanId",
        "UsagePlanName",
        "NotServiceId",
        "NotApiId",
        "Environment",
      ]);
      const notServices = filterValues(filters, "NotServiceId");
      const notApis = filterValues(filters, "NotApiId");
      const envs = filterValues(filters, "Environment");
      const bound = (plan: UsagePlanRec, pred: (b: PlanBindingRec) => boolean) =>
        store.state.planBindings.some((b) =>
          b.UsagePlanId === plan.UsagePlanId &&
          (envs === undefined || envs.includes(b.Environment)) && pred(b)
        );
      const found = [...store.state.usagePlans].reverse().filter((p) =>
        inRegion(p, ctx) &&
        matchExact(filters, "UsagePlanId", p.UsagePlanId) &&
        matchFuzzy(filters, "UsagePlanName", p.UsagePlanName) &&
        (notServices === undefined ||
          !bound(p, (b) => notServices.includes(b.ServiceId) && b.ApiId === "")) &&
        (notApis === undefined || !bound(p, (b) => notApis.includes(b.ApiId))) &&
        (envs === undefined || notServices !== undefined || notApis !== undefined ||
          bound(p, () => true))
      );
      return {
        Result: {
          TotalCount: found.length,
          UsagePlanStatusSet: page(found, params).map(planStatusView),
        },
      };
    },

    ModifyUsagePlan(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const maxNum = optInt(params, "MaxRequestNum");
      const maxPerS = optInt(params, "MaxRequestNumPreSec");
      if (maxNum !== undefined) checkQuota("MaxRequestNum", maxNum, 99999999);
      if (maxPerS !== undefined) checkQuota("MaxRequestNumPreSec", maxPerS, 2000);
      plan.UsagePlanName = optStr(params, "UsagePlanName") ?? plan.UsagePlanName;
      plan.UsagePlanDesc = optStr(params, "UsagePlanDesc") ?? plan.UsagePlanDesc;
      plan.MaxRequestNum = maxNum ?? plan.MaxRequestNum;
      plan.MaxRequestNumPreSec = maxPerS ?? plan.MaxRequestNumPreSec;
      plan.ModifiedTime = isoNow(ctx);
      return { Result: planInfoView(store, plan) };
    },

    DeleteUsagePlan(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const s = store.state;
      if (s.planBindings.some((b) => b.UsagePlanId === plan.UsagePlanId)) {
        throw new ApiError(
          "UnsupportedOperation.UsagePlanInUse",
          `Usage plan ${plan.UsagePlanId} is bound to environments: unbind it first`,
        );
      }
      s.usagePlans = s.usagePlans.filter((p) => p.UsagePlanId !== plan.UsagePlanId);
      s.keyBindings = s.keyBindings.filter((k) => k.UsagePlanId !== plan.UsagePlanId);
      return { Result: true };
    },

    BindEnvironment(params, ctx) {
      const plans = reqStrList(params, "UsagePlanIds").map((id) => getPlan(store, ctx, id));
      const bindType = readBindType(params);
      const { service, env, apiIds } = bindingTarget(store, params, ctx, {
        bindType,
        noApiIdsCode: "InvalidParameterValue.InvalidApiIds",
      });
      const inEnv = store.state.planBindings.filter((b) =>
        b.ServiceId === service.ServiceId && b.Environment === env
      );
      if (inEnv.some((b) => (b.ApiId === "") !== (bindType === "SERVICE"))) {
        throw new ApiError(
          "UnsupportedOperation.UnsupportedBindEnvironment",
          `Environment ${env} of ${service.ServiceId} already has ${
            bindType === "SERVICE" ? "API" : "service"
          }-level usage plans: a service cannot mix both (demote with DemoteServiceUsagePlan)`,
        );
      }
      // Binding a plan where it is already bound is refused, as the API does: with the code
      // the API documents for a binding it does not support, naming the binding.
      for (const plan of plans) {
        for (const apiId of apiIds) {
          if (inEnv.some((b) => b.UsagePlanId === plan.UsagePlanId && b.ApiId === apiId)) {
            throw new ApiError(
              "UnsupportedOperation.UnsupportedBindEnvironment",
              `Usage plan ${plan.UsagePlanId} is already bound to environment ${env} of ${
                apiId === "" ? service.ServiceId : `API ${apiId} of ${service.ServiceId}`
              }: unbind it first (UnBindEnvironment)`,
            );
          }
        }
      }
      const now = isoNow(ctx);
      for (const plan of plans) {
        for (const apiId of apiIds) {
          store.state.planBindings.push({
            UsagePlanId: plan.UsagePlanId,
            ServiceId: service.ServiceId,
            Environment: env,
            ApiId: apiId,
            CreatedTime: now,
          });
        }
      }
      return { Result: true };
    },

    UnBindEnvironment(params, ctx) {
      const bindType = readBindType(params);
      const plans = reqStrList(params, "UsagePlanIds").map((id) => getPlan(store, ctx, id));
      const { service, env, apiIds } = bindingTarget(store, params, ctx, {
        bindType,
        noApiIdsCode: "InvalidParameter.FormatError",
      });
      const matches = (b: PlanBindingRec, planId: string, apiId: string) =>
        b.UsagePlanId === planId && b.ServiceId === service.ServiceId && b.Environment === env &&
        b.ApiId === apiId;
      for (const plan of plans) {
        for (const apiId of apiIds) {
          if (!store.state.planBindings.some((b) => matches(b, plan.UsagePlanId, apiId))) {
            throw new ApiError(
              "UnsupportedOperation.UnsupportedUnBindEnvironment",
              `Usage plan ${plan.UsagePlanId} is not bound to ${
                apiId || service.ServiceId
              } in ${env}`,
            );
          }
        }
      }
      store.state.planBindings = store.state.planBindings.filter((b) =>
        !plans.some((p) => apiIds.some((a) => matches(b, p.UsagePlanId, a)))
      );
      return { Result: true };
    },

    DescribeUsagePlanEnvironments(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const bindType = readBindType(params);
      const list = store.state.planBindings
        .filter((b) =>
          b.UsagePlanId === plan.UsagePlanId && (b.ApiId === "") === (bindType === "SERVICE")
        )
        .map((b) => bindingView(store, b, plan, false));
      return { Result: { TotalCount: list.length, EnvironmentList: page(list, params) } };
    },

    DescribeServiceUsagePlan(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const list = serviceBindings(store, service.ServiceId, false);
      return { Result: { TotalCount: list.length, ServiceUsagePlanList: page(list, params) } };
    },

    DescribeApiUsagePlan(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const list = serviceBindings(store, service.ServiceId, true);
      return { Result: { TotalCount: list.length, ApiUsagePlanList: page(list, params) } };
    },

    DemoteServiceUsagePlan(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const env = reqStr(params, "Environment");
      checkEnv(env);
      const idx = store.state.planBindings.findIndex((b) =>
        b.UsagePlanId === plan.UsagePlanId && b.ServiceId === service.ServiceId &&
        b.Environment === env &&
        b.ApiId === ""
      );
      if (idx < 0) {
        throw new ApiError(
          "UnsupportedOperation.NoUsagePlanEnv",
          `Usage plan ${plan.UsagePlanId} is not bound to ${service.ServiceId} in ${env}`,
        );
      }
      store.state.planBindings.splice(idx, 1);
      const now = isoNow(ctx);
      for (const api of store.state.apis.filter((a) => a.ServiceId === service.ServiceId)) {
        store.state.planBindings.push({
          UsagePlanId: plan.UsagePlanId,
          ServiceId: service.ServiceId,
          Environment: env,
          ApiId: api.ApiId,
          CreatedTime: now,
        });
      }
      return { Result: true };
    },

    BindSecretIds(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const ids = reqStrList(params, "AccessKeyIds");
      if (ids.length === 0) {
        throw new ApiError("InvalidParameterValue.InvalidAccessKeyIds", "AccessKeyIds is empty");
      }
      for (const id of ids) {
        const key = store.state.apiKeys.find((k) => k.AccessKeyId === id && inRegion(k, ctx));
        if (!key) {
          throw new ApiError("ResourceNotFound.InvalidAccessKeyId", `API key ${id} does not exist`);
        }
        if (key.Status !== 1) {
          throw new ApiError("UnsupportedOperation.InvalidStatus", `API key ${id} is disabled`);
        }
        if (
          store.state.keyBindings.some((k) =>
            k.AccessKeyId === id && k.UsagePlanId === plan.UsagePlanId
          )
        ) {
          throw new ApiError(
            "UnsupportedOperation.AlreadyBindUsagePlan",
            `API key ${id} is already bound to ${plan.UsagePlanId}`,
          );
        }
      }
      for (const id of new Set(ids)) {
        store.state.keyBindings.push({ UsagePlanId: plan.UsagePlanId, AccessKeyId: id });
      }
      return { Result: true };
    },

    UnBindSecretIds(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const ids = reqStrList(params, "AccessKeyIds");
      for (const id of ids) {
        if (
          !store.state.keyBindings.some((k) =>
            k.AccessKeyId === id && k.UsagePlanId === plan.UsagePlanId
          )
        ) {
          throw new ApiError(
            "ResourceNotFound.InvalidAccessKeyId",
            `API key ${id} is not bound to ${plan.UsagePlanId}`,
          );
        }
      }
      store.state.keyBindings = store.state.keyBindings.filter((k) =>
        !(k.UsagePlanId === plan.UsagePlanId && ids.includes(k.AccessKeyId))
      );
      return { Result: true };
    },

    DescribeUsagePlanSecretIds(params, ctx) {
      const plan = getPlan(store, ctx, reqStr(params, "UsagePlanId"));
      const list = store.state.keyBindings.filter((k) => k.UsagePlanId === plan.UsagePlanId)
        .flatMap((k) => {
          const key = store.state.apiKeys.find((x) => x.AccessKeyId === k.AccessKeyId);
          return key
            ? [{ AccessKeyId: key.AccessKeyId, SecretName: key.SecretName, Status: key.Status }]
            : [];
        });
      return { Result: { TotalCount: list.length, AccessKeyList: page(list, params) } };
    },
  };
}
