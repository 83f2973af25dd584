/**
 * The typed action catalog of Tencent Cloud: lazy, cached lookups over the generated data in
 * `./data/`. Other clouds' catalogs live beside it (`huawei.ts`); the lookups across every
 * cloud are `clouds.ts` (`findActionAnyCloud` …).
 *
 * `services.json` (every service's versions and host, 20 KB) is read once, on first use; a
 * service version's file (`data/<service>/<version>.json`, with its actions and structures)
 * is read only when something asks for that service version, so validating a trocket
 * workflow loads trocket alone. That file is the version's shape; its documentation (`doc`,
 * `description`, `example`, `errors`: most of the bytes) is `<version>.docs.json`, merged into
 * the same objects on first need (see `docs.ts`). `findAction`, `findStructure` and
 * `serviceVersion` give them documented; the `…Shape` lookups (validation, planning and runs,
 * through `clouds.ts`) read the shape alone, and {@link loadDocs} documents a version later.
 * `index.json` (every action name of every version, 400 KB) is read only by what lists or
 * searches across services (`actions`, `schema`, suggestions for a misspelt name). This is the
 * only module that reads the data files.
 *
 * @example
 * ```ts
 * import { findAction } from "./catalog.ts";
 * const spec = findAction("trocket", "DescribeTopicList");
 * spec?.pagination?.list; // "Data"
 * ```
 *
 * @module
 */

import {
  type ActionSpec,
  type CatalogIndex,
  type CatalogServices,
  SCALAR_TYPES,
  type ScalarType,
  type ServiceVersion,
  type Structure,
  type TypeName,
} from "./types.ts";
import { suggest } from "./suggest.ts";
import { mergeDocs, type ServiceDocs } from "./docs.ts";

let indexCache: CatalogIndex | undefined;
let servicesCache: CatalogServices | undefined;
/** Service versions read, by `service/version`: shapes, documented once `documented` has them. */
const loaded = new Map<string, ServiceVersion>();
const documented = new Set<string>();
const scalarSet: ReadonlySet<string> = new Set(SCALAR_TYPES);

/** The catalog index (`data/index.json`), read on first call and cached. */
export function catalogIndex(): CatalogIndex {
  indexCache ??= JSON.parse(
    Deno.readTextFileSync(new URL("./data/index.json", import.meta.url)),
  ) as CatalogIndex;
  return indexCache;
}

/** True once something has read the whole index (`catalogIndex()`), for laziness tests. */
export function catalogIndexLoaded(): boolean {
  return indexCache !== undefined;
}

/** Every service's versions and host (`data/services.json`), read on first call and cached. */
function catalogServices(): CatalogServices {
  servicesCache ??= JSON.parse(
    Deno.readTextFileSync(new URL("./data/services.json", import.meta.url)),
  ) as CatalogServices;
  return servicesCache;
}

/** The versions-and-host entry of a service, when the catalog knows it. */
function serviceEntry(name: string): CatalogServices["services"][string] | undefined {
  const { services } = catalogServices();
  return Object.hasOwn(services, name) ? services[name] : undefined;
}

/** Every service name, sorted. */
export function serviceNames(): string[] {
  return Object.keys(catalogServices().services).sort();
}

/** Service names are lower-case; a step may write `tencentcloud/trocket` too. */
function normalizeService(service: string): string {
  return service.replace(/^tencentcloud\//, "");
}

/** The versions of a service, newest first (empty when unknown). */
export function serviceVersionsOf(service: string): string[] {
  return [...serviceEntry(normalizeService(service))?.versions ?? []];
}

/**
 * One service version's shape: its actions and structures, without their documentation unless
 * something asked for it already ({@link loadDocs}). Read on first use and cached. Without
 * `version`, the newest version of the service.
 */
export function serviceShape(service: string, version?: string): ServiceVersion | undefined {
  const name = normalizeService(service);
  const entry = serviceEntry(name);
  if (!entry) return undefined;
  const v = version ?? entry.versions[0];
  if (v === undefined || !entry.versions.includes(v)) return undefined;
  const key = `${name}/${v}`;
  let sv = loaded.get(key);
  if (!sv) {
    sv = JSON.parse(
      Deno.readTextFileSync(new URL(`./data/${name}/${v}.json`, import.meta.url)),
    ) as ServiceVersion;
    loaded.set(key, sv);
  }
  return sv;
}

/**
 * Merges the documentation of a service version (`doc`, `description`, `example`, `errors`)
 * into its objects, those already handed out included; read once. Unknown: nothing happens.
 *
 * @throws {Error} when the documentation file does not match the shape (see `docs.ts`)
 */
export function loadDocs(service: string, version: string): void {
  const sv = serviceShape(service, version);
  if (sv === undefined) return;
  const key = `${normalizeService(service)}/${version}`;
  if (documented.has(key)) return;
  const docs = JSON.parse(
    Deno.readTextFileSync(new URL(`./data/${key}.docs.json`, import.meta.url)),
  ) as ServiceDocs;
  mergeDocs(sv, docs);
  documented.add(key);
}

/**
 * One service version with its actions and structures, documented, loaded on first use and
 * cached. Without `version`, the newest version of the service.
 */
export function serviceVersion(service: string, version?: string): ServiceVersion | undefined {
  const sv = serviceShape(service, version);
  if (sv) loadDocs(service, sv.version);
  return sv;
}

/**
 * An action of a service, its shape (see {@link serviceShape}). Without `version`, the newest
 * version of the service that has the action (a service's versions may differ in their
 * actions: the versions' files are read newest first until one has it).
 */
export function findActionShape(
  service: string,
  action: string,
  version?: string,
): ActionSpec | undefined {
  const name = normalizeService(service);
  const entry = serviceEntry(name);
  if (!entry) return undefined;
  for (const v of version === undefined ? entry.versions : [version]) {
    const sv = serviceShape(name, v);
    if (sv && Object.hasOwn(sv.actions, action)) return sv.actions[action];
  }
  return undefined;
}

/** An action of a service, documented; the newest version that has it without `version`. */
export function findAction(
  service: string,
  action: string,
  version?: string,
): ActionSpec | undefined {
  const spec = findActionShape(service, action, version);
  if (spec) loadDocs(service, spec.version);
  return spec;
}

/** A structure of a service version, by name: its shape (see {@link serviceShape}). */
export function findStructureShape(
  service: string,
  version: string,
  name: string,
): Structure | undefined {
  const sv = serviceShape(service, version);
  return sv && Object.hasOwn(sv.structures, name) ? sv.structures[name] : undefined;
}

/** A structure of a service version, by name, documented. */
export function findStructure(
  service: string,
  version: string,
  name: string,
): Structure | undefined {
  const structure = findStructureShape(service, version, name);
  if (structure) loadDocs(service, version);
  return structure;
}

/** Splits a type string into its base and array depth: `"Filter[][]"` → `{base: "Filter", depth: 2}`. */
export function parseTypeName(type: TypeName): { base: string; depth: number } {
  let base = type.trim();
  let depth = 0;
  while (base.endsWith("[]")) {
    base = base.slice(0, -2);
    depth++;
  }
  return { base, depth };
}

/** True when `base` is a scalar type name (`String`, `Integer` …) rather than a structure. */
export function isScalarType(base: string): base is ScalarType {
  return scalarSet.has(base);
}

/**
 * Actions whose name contains `text` (case-insensitive), from the index only, sorted by
 * service then action; each action appears once, with the newest version that has it.
 */
export function searchActions(
  text: string,
  service?: string,
): Array<{ service: string; version: string; action: string }> {
  const needle = text.toLowerCase();
  const out: Array<{ service: string; version: string; action: string }> = [];
  const services = service === undefined ? serviceNames() : [normalizeService(service)];
  for (const svc of services) {
    const entry = Object.hasOwn(catalogIndex().services, svc)
      ? catalogIndex().services[svc]
      : undefined;
    if (!entry) continue;
    const seen = new Set<string>();
    for (const v of entry.versions) {
      for (const action of entry.actions[v] ?? []) {
        if (seen.has(action) || !action.toLowerCase().includes(needle)) continue;
        seen.add(action);
        out.push({ service: svc, version: v, action });
      }
    }
  }
  out.sort((a, b) =>
    a.service < b.service ? -1 : a.service > b.service ? 1 : a.action < b.action ? -1 : 1
  );
  return out;
}

/** The known action of `service` closest to a misspelt `action` (any version), if any. */
export function actionSuggestion(service: string, action: string): string | undefined {
  const name = normalizeService(service);
  const entry = Object.hasOwn(catalogIndex().services, name)
    ? catalogIndex().services[name]
    : undefined;
  if (!entry) return undefined;
  const all = new Set<string>();
  for (const v of entry.versions) for (const a of entry.actions[v] ?? []) all.add(a);
  return suggest(action, all);
}

/** The known service closest to a misspelt `service`, if any. */
export function serviceSuggestion(service: string): string | undefined {
  return suggest(normalizeService(service), serviceNames());
}

/** The service versions loaded so far, as `service/version`, sorted (for laziness tests). */
export function loadedServiceVersions(): string[] {
  return [...loaded.keys()].sort();
}

/** The service versions whose documentation is loaded, as `service/version`, sorted. */
export function documentedServiceVersions(): string[] {
  return [...documented].sort();
}
