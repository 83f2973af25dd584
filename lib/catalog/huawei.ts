/**
 * The Huawei Cloud part of the typed action catalog: `huaweicloud/<service>` service versions,
 * read lazily from the generated data in `lib/huawei/data/` (see `tools/catalog/huawei_seed.ts`). Same
 * shapes as the Tencent catalog (`ServiceVersion`, `ActionSpec` with its `http` binding), so
 * validation and planning treat both clouds alike; `lib/catalog/catalog.ts` can delegate every
 * `huaweicloud/…` name here.
 *
 * @example
 * ```ts
 * import { findHuaweiAction } from "./huawei.ts";
 * const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers");
 * spec?.http?.path; // "/v1/{project_id}/cloud-phone/encode-servers"
 * ```
 *
 * @module
 */
import { suggest } from "./suggest.ts";
import type { ActionSpec, ServiceVersion, Structure } from "./types.ts";

/** The prefix of Huawei Cloud service names in the catalog and in workflows. */
export const HUAWEI_PREFIX = "huaweicloud/";

/** Every Huawei service version with a data file: service → versions, newest first. */
const FILES: Readonly<Record<string, readonly string[]>> = {
  "huaweicloud/cph": ["v1"],
};

const loaded = new Map<string, ServiceVersion>();

/** `cph` or `huaweicloud/cph` → `huaweicloud/cph`. */
export function huaweiServiceName(service: string): string {
  return service.startsWith(HUAWEI_PREFIX) ? service : HUAWEI_PREFIX + service;
}

/** True for a `huaweicloud/…` service name. */
export function isHuaweiService(service: string): boolean {
  return service.startsWith(HUAWEI_PREFIX);
}

/** The Huawei service names (`huaweicloud/cph` …), sorted. */
export function huaweiServiceNames(): string[] {
  return Object.keys(FILES).sort();
}

/** The versions of a Huawei service, newest first (empty when unknown). */
export function huaweiVersions(service: string): string[] {
  const name = huaweiServiceName(service);
  return Object.hasOwn(FILES, name) ? [...FILES[name]!] : [];
}

/** A Huawei service version (newest when `version` is omitted), loaded on first use. */
export function huaweiServiceVersion(
  service: string,
  version?: string,
): ServiceVersion | undefined {
  const name = huaweiServiceName(service);
  const versions = huaweiVersions(name);
  const v = version ?? versions[0];
  if (v === undefined || !versions.includes(v)) return undefined;
  const key = `${name}/${v}`;
  let sv = loaded.get(key);
  if (sv === undefined) {
    const file = `../huawei/data/${name.slice(HUAWEI_PREFIX.length)}-${v}.json`;
    const { generatedBy: _, ...data } = JSON.parse(
      Deno.readTextFileSync(new URL(file, import.meta.url)),
    ) as ServiceVersion & { generatedBy?: string };
    sv = data;
    loaded.set(key, sv);
  }
  return sv;
}

/** An operation of a Huawei service (newest version that has it when `version` is omitted). */
export function findHuaweiAction(
  service: string,
  action: string,
  version?: string,
): ActionSpec | undefined {
  const versions = version === undefined ? huaweiVersions(service) : [version];
  for (const v of versions) {
    const sv = huaweiServiceVersion(service, v);
    if (sv && Object.hasOwn(sv.actions, action)) return sv.actions[action];
  }
  return undefined;
}

/** A structure of a Huawei service version. */
export function findHuaweiStructure(
  service: string,
  version: string,
  name: string,
): Structure | undefined {
  const sv = huaweiServiceVersion(service, version);
  return sv && Object.hasOwn(sv.structures, name) ? sv.structures[name] : undefined;
}

/** The operation of `service` closest to a misspelt `action`, if any. */
export function huaweiActionSuggestion(service: string, action: string): string | undefined {
  const names = new Set<string>();
  for (const v of huaweiVersions(service)) {
    for (const name of Object.keys(huaweiServiceVersion(service, v)?.actions ?? {})) {
      names.add(name);
    }
  }
  return suggest(action, names);
}
