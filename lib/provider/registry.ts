/**
 * The registry of providers: every {@link Provider} (how to talk to a cloud) the engine knows,
 * and the lookups that need one (routing, retry classification). What a cloud *is* (its
 * catalog and the lookups across catalogs) lives in `lib/catalog/clouds.ts`, re-exported here;
 * adding a cloud is its catalog there, a folder `lib/<cloud>/` (signer, errors, client), a
 * provider object, and one entry in {@link PROVIDERS} (plus its emulator routes).
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
import { DEFAULT_CLOUD, registerCloud } from "../catalog/clouds.ts";
import { huaweiProvider } from "./huawei.ts";
import type { ErrorClass, Provider, ProviderName } from "../protocol/provider.ts";
import { tencentProvider } from "./tencent.ts";

export {
  actionLabelOf,
  actionSuggestionAnyCloud,
  findActionAnyCloud,
  findStructureAnyCloud,
  serviceOfRef,
  serviceSuggestionAnyCloud,
  serviceVersionAnyCloud,
  versionsAnyCloud,
} from "../catalog/clouds.ts";

/** A provider of any credential type. */
// deno-lint-ignore no-explicit-any
export type AnyProvider = Provider<any>;

/**
 * The clouds the engine knows, in lookup order. The default cloud (whose services are written
 * without a prefix: `trocket.CreateTopic`) is the first.
 */
export const PROVIDERS: readonly AnyProvider[] = [tencentProvider, huaweiProvider];

/** The cloud of actions written without a provider prefix. */
export const DEFAULT_PROVIDER: ProviderName = DEFAULT_CLOUD;

const extra: AnyProvider[] = [];

/** Every provider: {@link PROVIDERS}, then those added by {@link registerProvider}. */
export function providers(): readonly AnyProvider[] {
  return extra.length === 0 ? PROVIDERS : [...extra, ...PROVIDERS];
}

/**
 * Adds a provider (tests, plug-ins), and its catalog to `lib/catalog/clouds.ts`. It is asked
 * before the built-in ones, so it may own a service prefix of its own without any change
 * elsewhere.
 *
 * @returns a function that removes it again
 * @throws {TypeError} when a provider of that name is already registered
 */
export function registerProvider(provider: AnyProvider): () => void {
  if (providers().some((p) => p.name === provider.name)) {
    throw new TypeError(`a provider named ${JSON.stringify(provider.name)} is registered already`);
  }
  const removeCloud = registerCloud(provider);
  extra.push(provider);
  return () => {
    removeCloud();
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
 * Classifies a failed call of any cloud with the rules of the provider that owns the error;
 * errors no provider owns (network failures, anything else) follow the default cloud's rules.
 */
export function classifyAnyError(err: unknown, extraCodes: readonly string[] = []): ErrorClass {
  const owner = providerOfError(err) ?? providerByName(DEFAULT_PROVIDER) ?? PROVIDERS[0]!;
  return owner.classifyError(err, extraCodes);
}
