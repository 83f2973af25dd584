/**
 * Private: API Gateway custom domains bound to services, with their path mappings.
 *
 * @module
 */

import type { ApigatewayStore, DomainRec } from "./apigateway_data.ts";
import { type ActionHandler, ApiError, type CallContext } from "./service.ts";
import {
  ENVIRONMENTS,
  getService,
  optBool,
  optObjList,
  optStr,
  page,
  reqStr,
} from "./_apigateway_util.ts";

const PROTOCOLS = ["http", "https", "http&https"];
const DOMAIN = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Reads and checks `PathMappingSet`; `code` is the error code of a bad mapping. */
function pathMappings(
  params: Record<string, unknown>,
  code: string,
): Array<{ Path: string; Environment: string }> {
  const raw = optObjList(params, "PathMappingSet") ?? [];
  const seen = new Set<string>();
  return raw.map((m) => {
    const path = m["Path"];
    const env = m["Environment"];
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new ApiError(
        code === "" ? "FailedOperation.DefineMappingPathError" : code,
        `Mapping path must start with "/": got ${String(path)}`,
      );
    }
    if (typeof env !== "string" || !(ENVIRONMENTS as readonly string[]).includes(env)) {
      throw new ApiError(
        code === "" ? "FailedOperation.DefineMappingEnvironmentError" : code,
        `Mapping environment must be one of ${ENVIRONMENTS.join(", ")}: got ${String(env)}`,
      );
    }
    if (seen.has(path)) {
      throw new ApiError(
        code === "" ? "FailedOperation.DefineMappingParamRepeat" : code,
        `Mapping path ${path} is repeated`,
      );
    }
    seen.add(path);
    return { Path: path, Environment: env };
  });
}

function getDomain(
  store: ApigatewayStore,
  serviceId: string,
  name: string,
  code: string,
): DomainRec {
  const found = store.state.domains.find((d) => d.ServiceId === serviceId && d.DomainName === name);
  if (!found) throw new ApiError(code, `Domain ${name} is not bound to service ${serviceId}`);
  return found;
}

/**
 * The domain the request names (`ServiceId`, `SubDomain`), bound to a service of the caller.
 *
 * @throws {ApiError} the service is not found, or `code` when the domain is not bound to it
 */
function requestedDomain(
  store: ApigatewayStore,
  params: Record<string, unknown>,
  ctx: CallContext,
  code: string,
): DomainRec {
  const service = getService(store, ctx, reqStr(params, "ServiceId"));
  return getDomain(store, service.ServiceId, reqStr(params, "SubDomain").toLowerCase(), code);
}

/** The actions on custom domains. */
export function domainActions(store: ApigatewayStore): Record<string, ActionHandler> {
  return {
    BindSubDomain(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const name = reqStr(params, "SubDomain").toLowerCase();
      if (!DOMAIN.test(name)) {
        throw new ApiError("FailedOperation.SubDomainFormatError", `${name} is not a domain name`);
      }
      const protocol = reqStr(params, "Protocol");
      if (!PROTOCOLS.includes(protocol)) {
        throw new ApiError(
          "InvalidParameterValue.InvalidProcotol",
          `Protocol must be one of ${PROTOCOLS.join(", ")}: got ${protocol}`,
        );
      }
      const netType = reqStr(params, "NetType");
      const expected = netType === "INNER"
        ? service.InnerSubDomain
        : netType === "OUTER"
        ? service.OuterSubDomain
        : "";
      const netSubDomain = reqStr(params, "NetSubDomain");
      if (expected === "" || netSubDomain !== expected) {
        throw new ApiError(
          "FailedOperation.NetSubDomainError",
          `NetSubDomain must be the service's ${netType} default domain ${
            expected || "(none)"
          }: got ${netSubDomain}`,
        );
      }
      const certificateId = optStr(params, "CertificateId") ?? "";
      if (protocol !== "http" && certificateId === "") {
        throw new ApiError(
          "FailedOperation.CertificateIsNull",
          `Protocol ${protocol} needs a CertificateId`,
        );
      }
      const forced = optBool(params, "IsForcedHttps") ?? false;
      if (forced && protocol !== "http&https") {
        throw new ApiError(
          "UnsupportedOperation.ForceHttps",
          "IsForcedHttps needs protocol http&https",
        );
      }
      const other = store.state.domains.find((d) => d.DomainName === name);
      if (other?.ServiceId === service.ServiceId) {
        throw new ApiError(
          "FailedOperation.DomainAlreadyBindService",
          `${name} is already bound to this service`,
        );
      }
      if (other) {
        throw new ApiError(
          "FailedOperation.DomainAlreadyBindOtherService",
          `${name} is already bound to another service`,
        );
      }
      const isDefault = optBool(params, "IsDefaultMapping");
      if (isDefault === undefined) {
        throw new ApiError("MissingParameter", "The parameter IsDefaultMapping is missing");
      }
      const mappings = pathMappings(params, "");
      if (isDefault && mappings.length > 0) {
        throw new ApiError(
          "FailedOperation.IsDefaultMapping",
          "PathMappingSet cannot be given with IsDefaultMapping",
        );
      }
      if (!isDefault && mappings.length === 0) {
        throw new ApiError(
          "FailedOperation.DefineMappingNotNull",
          "PathMappingSet is required without IsDefaultMapping",
        );
      }
      store.state.domains.push({
        ServiceId: service.ServiceId,
        DomainName: name,
        Protocol: protocol,
        NetType: netType,
        CertificateId: certificateId,
        IsDefaultMapping: isDefault,
        IsForcedHttps: forced,
        PathMappingSet: mappings,
      });
      return {};
    },

    DescribeServiceSubDomains(params, ctx) {
      const service = getService(store, ctx, reqStr(params, "ServiceId"));
      const list = store.state.domains.filter((d) => d.ServiceId === service.ServiceId).map((
        d,
      ) => ({
        DomainName: d.DomainName,
        Status: 1,
        CertificateId: d.CertificateId,
        IsDefaultMapping: d.IsDefaultMapping,
        Protocol: d.Protocol,
        NetType: d.NetType,
        IsForcedHttps: d.IsForcedHttps,
        RegistrationStatus: true,
      }));
      return { Result: { TotalCount: list.length, DomainSet: page(list, params) } };
    },

    DescribeServiceSubDomainMappings(params, ctx) {
      const domain = requestedDomain(store, params, ctx, "FailedOperation.ServiceError");
      return {
        Result: {
          IsDefaultMapping: domain.IsDefaultMapping,
          PathMappingSet: domain.PathMappingSet.map((m) => ({ ...m })),
        },
      };
    },

    ModifySubDomain(params, ctx) {
      const domain = requestedDomain(store, params, ctx, "FailedOperation.ServiceError");
      const protocol = optStr(params, "Protocol") ?? domain.Protocol;
      if (!PROTOCOLS.includes(protocol)) {
        throw new ApiError(
          "FailedOperation.UnknownProtocolTypeError",
          `Protocol must be one of ${PROTOCOLS.join(", ")}: got ${protocol}`,
        );
      }
      const certificateId = optStr(params, "CertificateId") ?? domain.CertificateId;
      if (protocol !== "http" && certificateId === "") {
        throw new ApiError(
          "FailedOperation.CertificateIdError",
          `Protocol ${protocol} needs a CertificateId`,
        );
      }
      const forced = optBool(params, "IsForcedHttps") ?? domain.IsForcedHttps;
      if (forced && protocol !== "http&https") {
        throw new ApiError(
          "UnsupportedOperation.ForceHttps",
          "IsForcedHttps needs protocol http&https",
        );
      }
      const isDefault = optBool(params, "IsDefaultMapping") ?? domain.IsDefaultMapping;
      const mappings = params["PathMappingSet"] === undefined
        ? domain.PathMappingSet
        : pathMappings(params, "FailedOperation.PathMappingSetError");
      if (!isDefault && mappings.length === 0) {
        throw new ApiError(
          "FailedOperation.SetCustomPathMappingError",
          "PathMappingSet is required without IsDefaultMapping",
        );
      }
      domain.Protocol = protocol;
      domain.CertificateId = certificateId;
      domain.IsForcedHttps = forced;
      domain.IsDefaultMapping = isDefault;
      domain.PathMappingSet = isDefault ? [] : mappings;
      domain.NetType = optStr(params, "NetType") ?? domain.NetType;
      return { Result: true };
    },

    UnBindSubDomain(params, ctx) {
      const domain = requestedDomain(store, params, ctx, "FailedOperation.DomainNotBindService");
      store.state.domains = store.state.domains.filter((d) => d !== domain);
      return { Result: true };
    },

    DeleteServiceSubDomainMapping(params, ctx) {
      const domain = requestedDomain(
        store,
        params,
        ctx,
        "FailedOperation.DeletePathMappingSetError",
      );
      const env = reqStr(params, "Environment");
      const kept = domain.PathMappingSet.filter((m) => m.Environment !== env);
      if (kept.length === domain.PathMappingSet.length) {
        throw new ApiError(
          "FailedOperation.DeletePathMappingSetError",
          `Domain ${domain.DomainName} has no mapping to ${env}`,
        );
      }
      domain.PathMappingSet = kept;
      return { Result: true };
    },
  };
}
