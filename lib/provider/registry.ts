/**
 * The registry of clouds: every {@link Provider} the engine knows, and the lookups that span
 * them. Validation, planning, routing and retry classification ask the registry, never a
 * particular cloud, so adding a cloud is a folder `lib/<cloud>/` (catalog, signer, errors), a
 * provider object, and one entry in {@link PROVIDERS} (plus its emulator routes).
 *
 * Catalog data stays lazy: a lookup asks the provider that owns the service, and a provider
 * reads its data files only when asked (validating a trocket workflow loads trocket alone).
 *
 * @example
 * ```ts
 * import { findActionAnyCloud, providerOfService } from "./registry.ts";
 * providerOfService("huaweicloud/cph")?.name; // "huaweicloud"
 * findActionAnyCloud("trocket", "DescribeTopicList")?.version; // "2023-03-08"
 * ```
 *
 * @module
 */
import type { ActionSpec, ServiceVersion, Structure } from "../catalog/types.ts";
import { huaweiProvider } from "./huawei.ts";
import type { ErrorClass, Provider, ProviderName } from "./provider.ts";
import { tencentProvider } from "./tencent.ts";

/** A provider of any credential type. */
// deno-lint-ignore no-explicit-any
export type AnyProvider = Provider<any>;

/**
 * The clouds the engine knows, in lookup order. The default cloud (whose services are written
 * without a prefix: `trocket.CreateTopic`) is the first.
 */
export const PROVIDERS: readonly AnyProvider[] = [tencentProvider, huaweiProvider];

/** The cloud of actions written without a provider prefix. */
export const DEFAULT_PROVIDER: ProviderName = "tencentcloud";

const extra: AnyProvider[] = [];

/** Every provider: {@link PROVIDERS}, then those added by {@link registerProvider}. */
export function providers(): readonly AnyProvider[] {
  return extra.length === 0 ? PROVIDERS : [...extra, ...PROVIDERS];
}

/**
 * Adds a provider (tests, plug-ins). It is asked before the built-in ones, so it may own a
 * service prefix of its own without any change elsewhere.
 *
 * @returns a function that removes it again
 * @throws {TypeError} when a provider of that name is already registered
 */
export function registerProvider(provider: AnyProvider): () => void {
  if (providers().some((p) => p.name === provider.name)) {
    throw new TypeError(`a provider named ${JSON.stringify(provider.name)} is registered already`);
  }
  extra.push(provider);
  return () => {
    const at = extra.indexOf(provider);
    if (at >= 0) extra.splice(at, 1);
  };
}

/** The provider of a name (`tencentcloud`, `huaweicloud` …), if registered. */
export function providerByName(name: string): AnyProvider | undefined {
  return providers().find((p) => p.name === name);
}

/** The provider that owns a catalog service name (`huaweicloud/cph` → Huawei, `trocket` → Tencent). */
export function providerOfService(service: string): AnyProvider | undefined {
  return providers().find((p) => p.ownsService(service));
}

/** The provider whose API error `err` is, if any (network errors belong to none). */
export function providerOfError(err: unknown): AnyProvider | undefined {
  return providers().find((p) => p.ownsError(err));
}

/**
 * The catalog service name of an action reference: the bare service for the default cloud
 * (`trocket`), `<provider>/<service>` for the others (`huaweicloud/cph`).
 */
export function serviceOfRef(ref: { provider: string; service: string }): string {
  return ref.provider === DEFAULT_PROVIDER ? ref.service : `${ref.provider}/${ref.service}`;
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
  return providerOfService(service)?.findAction(service, action, version);
}

/** A service version of any cloud (the newest when `version` is omitted). */
export function serviceVersionAnyCloud(
  service: string,
  version?: string,
): ServiceVersion | undefined {
  return providerOfService(service)?.serviceVersion(service, version);
}

/** The versions of a service of any cloud, newest first (empty when unknown). */
export function versionsAnyCloud(service: string): string[] {
  return providerOfService(service)?.versions(service) ?? [];
}

/** A structure of a service version of any cloud. */
export function findStructureAnyCloud(
  service: string,
  version: string,
  name: string,
): Structure | undefined {
  return providerOfService(service)?.findStructure(service, version, name);
}

/** The known action of `service` (any cloud) closest to a misspelt `action`. */
export function actionSuggestionAnyCloud(service: string, action: string): string | undefined {
  return providerOfService(service)?.actionSuggestion(service, action);
}

/** The known service of the same cloud closest to a misspelt `service`. */
export function serviceSuggestionAnyCloud(service: string): string | undefined {
  return providerOfService(service)?.serviceSuggestion(service);
}

/**
 * Classifies a failed call of any cloud with the rules of the provider that owns the error;
 * errors no provider owns (network failures, anything else) follow the default cloud's rules.
 */
export function classifyAnyError(err: unknown, extraCodes: readonly string[] = []): ErrorClass {
  const owner = providerOfError(err) ?? providerByName(DEFAULT_PROVIDER) ?? PROVIDERS[0]!;
  return owner.classifyError(err, extraCodes);
}
