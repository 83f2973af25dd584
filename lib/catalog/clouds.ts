/**
 * What each cloud *is*: its catalog (services, actions, types) and the lookups that span every
 * cloud. Validation, type checking and planning ask here and load no client, signer or network
 * code; how to *talk* to a cloud (endpoints, signing, answers, retry rules) is its provider in
 * `lib/provider/`, which extends a {@link CloudCatalog}.
 *
 * Catalog data stays lazy: a lookup asks the cloud that owns the service, and a cloud reads its
 * data files only when asked (validating a trocket workflow loads trocket alone). The lookups
 * here give shapes: the documentation of an action or structure may be missing until
 * {@link loadDocsAnyCloud} (Tencent Cloud reads it apart, `lib/catalog/docs.ts`).
 *
 * @example
 * ```ts
 * import { cloudOfService, findActionAnyCloud } from "./clouds.ts";
 * cloudOfService("huaweicloud/cph")?.name; // "huaweicloud"
 * findActionAnyCloud("trocket", "DescribeTopicList")?.version; // "2023-03-08"
 * ```
 *
 * @module
 */
import {
  actionSuggestion,
  findActionShape,
  findStructureShape,
  loadDocs,
  serviceNames,
  serviceShape,
  serviceSuggestion,
  serviceVersionsOf,
} from "./catalog.ts";
import {
  findHuaweiAction,
  findHuaweiStructure,
  HUAWEI_PREFIX,
  huaweiActionSuggestion,
  huaweiServiceNames,
  huaweiServiceVersion,
  huaweiVersions,
  isHuaweiService,
} from "./huawei.ts";
import { suggest } from "./suggest.ts";
import type { ActionSpec, ServiceVersion, Structure } from "./types.ts";

/** The catalog of one cloud. */
export interface CloudCatalog {
  /** `tencentcloud`, `huaweicloud` … */
  readonly name: string;
  /** Whether a catalog service name is this cloud's (`huaweicloud/cph` → Huawei). */
  ownsService(service: string): boolean;
  /**
   * Every catalog service name of this cloud (`trocket`, `huaweicloud/cph`), sorted, for
   * listings like `tcflow actions`; a cloud without it is not listed there.
   */
  serviceNames?(): string[];
  /** The catalog entry of an action; the newest version that has it when `version` is omitted. */
  findAction(service: string, action: string, version?: string): ActionSpec | undefined;
  /** A service version of the catalog (the newest when `version` is omitted), if known. */
  serviceVersion(service: string, version?: string): ServiceVersion | undefined;
  /** The versions of a service, newest first (empty when unknown). */
  versions(service: string): string[];
  /** A structure of a service version, by name. */
  findStructure(service: string, version: string, name: string): Structure | undefined;
  /** The known action of `service` closest to a misspelt `action`, if any. */
  actionSuggestion(service: string, action: string): string | undefined;
  /**
   * Fills in the documentation (`doc`, `description`, `example`, `errors`) of the actions and
   * structures of a service version, in the objects the lookups above gave: a cloud may give
   * them without it, as validation needs only their shapes. Absent: always documented.
   */
  loadDocs?(service: string, version: string): void;
  /**
   * The known service of this cloud closest to a misspelt `service`, without the cloud prefix
   * (`trocket`, `cph`: as written after `huaweicloud/`), if any.
   */
  serviceSuggestion(service: string): string | undefined;
}

/** The prefix a workflow may write before a Tencent service (`tencentcloud/trocket.…`). */
export const TENCENT_PREFIX = "tencentcloud/";

/** True for a Tencent service name: no cloud prefix, or `tencentcloud/…`. */
export function isTencentService(service: string): boolean {
  return !service.includes("/") || service.startsWith(TENCENT_PREFIX);
}

/** `tencentcloud/trocket` → `trocket`. */
export function bareTencentService(service: string): string {
  return service.startsWith(TENCENT_PREFIX) ? service.slice(TENCENT_PREFIX.length) : service;
}

const tencent = <T>(service: string, lookup: (name: string) => T): T | undefined =>
  isTencentService(service) ? lookup(bareTencentService(service)) : undefined;

/** Tencent Cloud's catalog (`lib/catalog/data/`). */
export const tencentCatalog: CloudCatalog = {
  name: "tencentcloud",
  ownsService: isTencentService,
  serviceNames,
  findAction: (service, action, version) =>
    tencent(service, (name) => findActionShape(name, action, version)),
  serviceVersion: (service, version) => tencent(service, (name) => serviceShape(name, version)),
  versions: (service) => tencent(service, serviceVersionsOf) ?? [],
  findStructure: (service, version, name) =>
    tencent(service, (svc) => findStructureShape(svc, version, name)),
  actionSuggestion: (service, action) => tencent(service, (name) => actionSuggestion(name, action)),
  serviceSuggestion: (service) => tencent(service, serviceSuggestion),
  loadDocs: (service, version) => tencent(service, (name) => loadDocs(name, version)),
};

/** Huawei Cloud's catalog (`huaweicloud/…`, `lib/huawei/data/`). */
export const huaweiCatalog: CloudCatalog = {
  name: "huaweicloud",
  ownsService: isHuaweiService,
  serviceNames: huaweiServiceNames,
  findAction: (service, action, version) =>
    isHuaweiService(service) ? findHuaweiAction(service, action, version) : undefined,
  serviceVersion: (service, version) =>
    isHuaweiService(service) ? huaweiServiceVersion(service, version) : undefined,
  versions: (service) => isHuaweiService(service) ? huaweiVersions(service) : [],
  findStructure: (service, version, name) =>
    isHuaweiService(service) ? findHuaweiStructure(service, version, name) : undefined,
  actionSuggestion: (service, action) =>
    isHuaweiService(service) ? huaweiActionSuggestion(service, action) : undefined,
  serviceSuggestion: (service) =>
    suggest(
      service.replace(HUAWEI_PREFIX, ""),
      huaweiServiceNames().map((name) => name.slice(HUAWEI_PREFIX.length)),
    ),
};

/**
 * The clouds tcflow knows, in lookup order. The default cloud (whose services are written
 * without a prefix: `trocket.CreateTopic`) is the first.
 */
export const CLOUDS: readonly CloudCatalog[] = [tencentCatalog, huaweiCatalog];

/** The cloud of actions written without a prefix. */
export const DEFAULT_CLOUD = "tencentcloud";

const extra: CloudCatalog[] = [];

/** Every cloud: those added by {@link registerCloud} first, then {@link CLOUDS}. */
export function clouds(): readonly CloudCatalog[] {
  return extra.length === 0 ? CLOUDS : [...extra, ...CLOUDS];
}

/**
 * Adds a cloud's catalog (tests, plug-ins; `registerProvider` does it for a provider). It is
 * asked before the built-in ones, so it may own a service prefix of its own.
 *
 * @returns a function that removes it again
 * @throws {TypeError} when a cloud of that name is already registered
 */
export function registerCloud(cloud: CloudCatalog): () => void {
  if (clouds().some((c) => c.name === cloud.name)) {
    throw new TypeError(`a provider named ${JSON.stringify(cloud.name)} is registered already`);
  }
  extra.push(cloud);
  return () => {
    const at = extra.indexOf(cloud);
    if (at >= 0) extra.splice(at, 1);
  };
}

/** The cloud of a name (`tencentcloud`, `huaweicloud` …), if registered. */
export function cloudByName(name: string): CloudCatalog | undefined {
  return clouds().find((c) => c.name === name);
}

/** The cloud that owns a catalog service name (`huaweicloud/cph` → Huawei, `trocket` → Tencent). */
export function cloudOfService(service: string): CloudCatalog | undefined {
  return clouds().find((c) => c.ownsService(service));
}

/**
 * The catalog service name of an action reference: the bare service for the default cloud
 * (`trocket`), `<provider>/<service>` for the others (`huaweicloud/cph`).
 */
export function serviceOfRef(ref: { provider: string; service: string }): string {
  return ref.provider === DEFAULT_CLOUD ? ref.service : `${ref.provider}/${ref.service}`;
}

/** An action as users write it: `trocket.CreateTopic`, `huaweicloud/cph.ListEncodeServers`. */
export function actionLabelOf(ref: { provider: string; service: string; action: string }): string {
  return `${serviceOfRef(ref)}.${ref.action}`;
}

/** An action of any cloud; the newest version that has it when `version` is omitted. */
export function findActionAnyCloud(
  service: string,
  action: string,
  version?: string,
): ActionSpec | undefined {
  return cloudOfService(service)?.findAction(service, action, version);
}

/** A service version of any cloud (the newest when `version` is omitted). */
export function serviceVersionAnyCloud(
  service: string,
  version?: string,
): ServiceVersion | undefined {
  return cloudOfService(service)?.serviceVersion(service, version);
}

/** The versions of a service of any cloud, newest first (empty when unknown). */
export function versionsAnyCloud(service: string): string[] {
  return cloudOfService(service)?.versions(service) ?? [];
}

/** A structure of a service version of any cloud. */
export function findStructureAnyCloud(
  service: string,
  version: string,
  name: string,
): Structure | undefined {
  return cloudOfService(service)?.findStructure(service, version, name);
}

/**
 * Fills in the documentation of a service version of any cloud (`doc`, `description`,
 * `example`, `errors`), in the objects the lookups above gave: they may come without it (see
 * {@link CloudCatalog.loadDocs}). Read this before showing documentation.
 */
export function loadDocsAnyCloud(service: string, version: string): void {
  cloudOfService(service)?.loadDocs?.(service, version);
}

/** The known action of `service` (any cloud) closest to a misspelt `action`. */
export function actionSuggestionAnyCloud(service: string, action: string): string | undefined {
  return cloudOfService(service)?.actionSuggestion(service, action);
}

/** The known service of the same cloud closest to a misspelt `service`. */
export function serviceSuggestionAnyCloud(service: string): string | undefined {
  return cloudOfService(service)?.serviceSuggestion(service);
}
