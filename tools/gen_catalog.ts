/**
 * Generates the typed action catalog under `lib/catalog/data/` from the official Tencent
 * Cloud API definitions: the type declarations of the `tencentcloud-sdk-nodejs` npm package
 * (every service and version) plus the seed documents in `tools/seeds/` (rate limits,
 * `Integer`/`Float` types, required flags, error codes, and the actions the SDK lacks:
 * the MQTT actions of trocket 2023-03-08 and apigateway `DescribeApiApp`).
 *
 * Where a seed and the SDK disagree on names, the SDK wins: it is newer than the seed
 * documents (for instance a seed spells a parameter `Instanceid` where the SDK says
 * `InstanceId`); the seed still refines the type and the required flag of the matching
 * (case-insensitively) SDK field. See `tools/catalog/merge.ts`.
 *
 * It also writes `docs/paging.md`, the paging table of every action (`tools/catalog/paging_table.ts`).
 *
 * Run: `deno task catalog` (`deno run --allow-read --allow-write tools/gen_catalog.ts`).
 *
 * @module
 */

import {
  type CatalogIndex,
  type CatalogServices,
  type Field,
  SCALAR_TYPES,
  type ServiceVersion,
} from "../lib/catalog/types.ts";
import { listSdkServiceVersions, readSdkServiceVersion } from "./catalog/sdk_dts.ts";
import { serviceVersionFromSdk } from "./catalog/from_sdk.ts";
import { readSeeds } from "./catalog/seeds.ts";
import { applySeed, type Rename } from "./catalog/merge.ts";
import { PAGING_TABLE, pagingTable } from "./catalog/paging_table.ts";
import { isCredentialField } from "./catalog/secret_fields.ts";
import { splitDocs } from "../lib/catalog/docs.ts";

/** The `generatedBy` marker written at the top of every data file. */
export const GENERATED_BY =
  "tools/gen_catalog.ts from tencentcloud-sdk-nodejs and tools/seeds/ — do not edit, run `deno task catalog`";

const scalars: ReadonlySet<string> = new Set(SCALAR_TYPES);
function isScalarType(base: string): boolean {
  return scalars.has(base);
}

/** Where the catalog data lives, relative to the repository root. */
export const DATA_DIR = "lib/catalog/data";

/** Options of {@link generateCatalog}. */
export interface GenerateOptions {
  /** Repository root (a path); default: the parent of `tools/`. */
  root?: string;
  /** Receives each seed name corrected to the SDK's (`Instanceld` → `InstanceId`). */
  renames?: Rename[];
  /** Receives each problem found (a type naming no structure, which becomes `Any`). */
  warnings?: string[];
}

function defaultRoot(): string {
  return decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
}

/** Compares API versions so that the newest comes first. */
function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Builds every catalog file in memory: a map from the path relative to the repository root
 * (`lib/catalog/data/index.json`, `lib/catalog/data/trocket/2023-03-08.json` …) to its text.
 * Each service version makes two files: its shape (`2023-03-08.json`) and its documentation
 * (`2023-03-08.docs.json`), see `lib/catalog/docs.ts`.
 * Pure apart from reading the SDK declarations and the seeds.
 */
export function generateCatalog(opts: GenerateOptions = {}): Map<string, string> {
  const root = opts.root ?? defaultRoot();
  const sdkPackageDir = `${root}/node_modules/tencentcloud-sdk-nodejs`;
  const servicesDir = `${sdkPackageDir}/tencentcloud/services`;
  const sdkVersion = String(
    (JSON.parse(Deno.readTextFileSync(`${sdkPackageDir}/package.json`)) as { version?: unknown })
      .version ?? "unknown",
  );

  const versions = new Map<string, ServiceVersion>();
  for (const { service, versionDir } of listSdkServiceVersions(servicesDir)) {
    const sdk = readSdkServiceVersion(servicesDir, service, versionDir);
    if (!sdk) continue;
    versions.set(`${sdk.service}/${sdk.version}`, serviceVersionFromSdk(sdk));
  }
  for (const seed of readSeeds(`${root}/tools/seeds`)) {
    const key = `${seed.service}/${seed.version}`;
    const renames: Rename[] = [];
    const merged = applySeed(versions.get(key), seed, renames);
    for (const r of renames) opts.renames?.push({ ...r, where: `${key} ${r.where}` });
    versions.set(key, merged);
  }
  for (const [key, sv] of versions) resolveTypes(sv, (w) => opts.warnings?.push(`${key} ${w}`));
  const secretFields: string[] = [];
  for (const key of [...versions.keys()].sort()) {
    secretFields.push(...markSecretFields(versions.get(key)!).map((where) => `${key} ${where}`));
  }

  const files = new Map<string, string>();
  const index: CatalogIndex = { generatedBy: GENERATED_BY, sdkVersion, services: {} };
  const keys = [...versions.keys()].sort();
  for (const key of keys) {
    const sv = versions.get(key)!;
    const entry = index.services[sv.service] ??= { versions: [], host: sv.host, actions: {} };
    entry.versions.push(sv.version);
    entry.actions[sv.version] = Object.keys(sv.actions);
  }
  for (const entry of Object.values(index.services)) {
    entry.versions.sort(newestFirst);
    const actions: Record<string, string[]> = {};
    for (const v of entry.versions) actions[v] = entry.actions[v]!;
    entry.actions = actions;
  }
  files.set(`${DATA_DIR}/index.json`, JSON.stringify(index));
  const services: CatalogServices = { generatedBy: GENERATED_BY, services: {} };
  for (const [name, { versions, host }] of Object.entries(index.services)) {
    services.services[name] = { versions, host };
  }
  files.set(`${DATA_DIR}/services.json`, asciiJson(JSON.stringify(services)));
  files.set(PAGING_TABLE, pagingTable(keys.map((key) => versions.get(key)!)));
  // One field a line, so that a change of the list reads as a diff.
  files.set(
    SECRET_FIELDS_FILE,
    `{"generatedBy":${JSON.stringify(GENERATED_BY)},"count":${secretFields.length},"fields":[\n${
      secretFields.map((field) => JSON.stringify(field)).join(",\n")
    }\n]}\n`,
  );
  const lifetimes: string[] = [];
  for (const key of keys) lifetimes.push(...lifetimeFields(versions.get(key)!));
  files.set(
    LIFETIMES_FILE,
    `{"generatedBy":${JSON.stringify(GENERATED_BY)},"count":${lifetimes.length},"fields":[\n${
      lifetimes.join(",\n")
    }\n]}\n`,
  );
  // Last: the split takes the documentation out of the service versions.
  for (const key of keys) {
    const { shape, docs } = splitDocs(versions.get(key)!);
    files.set(
      `${DATA_DIR}/${key}.json`,
      asciiJson(JSON.stringify({ generatedBy: GENERATED_BY, ...shape })),
    );
    files.set(
      `${DATA_DIR}/${key}.docs.json`,
      JSON.stringify({ generatedBy: GENERATED_BY, ...docs }),
    );
  }
  return files;
}

/**
 * JSON text with every character outside ASCII written as a `\uXXXX` escape: the same value,
 * but a text Deno decodes faster and V8 keeps and parses as one byte a character. For the files
 * every validation reads (`services.json` and the shapes); the documentation stays readable.
 */
export function asciiJson(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The table of the tokens, URLs and temporary ids whose documentation gives a lifetime
 * (`Field.lifetime`), one a line: generated with the catalog and checked in.
 */
export const LIFETIMES_FILE = `${DATA_DIR}/lifetimes.json`;

function lifetimeFields(sv: ServiceVersion): string[] {
  const rows: string[] = [];
  const add = (owner: string, field: Field) => {
    if (field.lifetime === undefined) return;
    rows.push(JSON.stringify({
      field: `${sv.service}/${sv.version} ${owner}.${field.name}`,
      seconds: field.lifetime.seconds,
      doc: field.lifetime.doc,
    }));
  };
  for (const name of Object.keys(sv.actions).sort()) {
    const action = sv.actions[name]!;
    for (const field of action.inputs) add(`${name}(request)`, field);
    for (const field of action.outputs) add(`${name}(response)`, field);
  }
  for (const name of Object.keys(sv.structures).sort()) {
    for (const field of sv.structures[name]!.fields) add(name, field);
  }
  return rows;
}

/**
 * The list of the fields marked secret (`service/version Owner.Field`, the owner an action's
 * response or a structure), generated with the catalog and checked in.
 */
export const SECRET_FIELDS_FILE = `${DATA_DIR}/secret_fields.json`;

/**
 * Marks `secret: true` on the response fields and structure fields that carry a credential
 * (see `tools/catalog/secret_fields.ts`); returns where (`CreateAccessKey.AccessKey…`).
 */
function markSecretFields(sv: ServiceVersion): string[] {
  const marked: string[] = [];
  const mark = (owner: string, field: Field) => {
    if (!isCredentialField(field)) return;
    field.secret = true;
    marked.push(`${owner}.${field.name}`);
  };
  for (const name of Object.keys(sv.actions).sort()) {
    for (const field of sv.actions[name]!.outputs) mark(name, field);
  }
  for (const name of Object.keys(sv.structures).sort()) {
    for (const field of sv.structures[name]!.fields) mark(name, field);
  }
  return marked;
}

/** Replaces types that name no structure of the service version by `Any`, reporting each. */
function resolveTypes(sv: ServiceVersion, warn: (message: string) => void): void {
  const check = (where: string, f: Field) => {
    const base = f.type.replace(/(\[\])+$/, "");
    if (isScalarType(base) || Object.hasOwn(sv.structures, base)) return;
    warn(`${where}.${f.name}: unknown type ${f.type}, using Any`);
    f.type = f.type.replace(base, "Any");
  };
  for (const a of Object.values(sv.actions)) {
    for (const f of a.inputs) check(a.name, f);
    for (const f of a.outputs) check(a.name, f);
  }
  for (const s of Object.values(sv.structures)) for (const f of s.fields) check(s.name, f);
}

/** Lists the data files currently on disk, relative to the repository root. */
export function existingDataFiles(root: string = defaultRoot()): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${root}/${rel}`)];
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith(".json")) out.push(`${rel}/${e.name}`);
    }
  };
  walk(DATA_DIR);
  return out.sort();
}

if (import.meta.main) {
  const started = performance.now();
  const root = defaultRoot();
  const renames: Rename[] = [];
  const warnings: string[] = [];
  const files = generateCatalog({ root, renames, warnings });
  for (const r of renames) console.log(`seed name ${r.seed} → SDK ${r.sdk} (${r.where})`);
  for (const w of warnings) console.log(`warning: ${w}`);
  let bytes = 0;
  for (const [rel, text] of files) {
    const path = `${root}/${rel}`;
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    let old: string | undefined;
    try {
      old = Deno.readTextFileSync(path);
    } catch {
      old = undefined;
    }
    if (old !== text) Deno.writeTextFileSync(path, text);
    bytes += new TextEncoder().encode(text).length;
  }
  let removed = 0;
  for (const rel of existingDataFiles(root)) {
    if (!files.has(rel)) {
      Deno.removeSync(`${root}/${rel}`);
      removed++;
    }
  }
  const ms = Math.round(performance.now() - started);
  const secretCount = (JSON.parse(files.get(SECRET_FIELDS_FILE)!) as { count: number }).count;
  console.log(`catalog: ${secretCount} response fields marked secret (${SECRET_FIELDS_FILE})`);
  console.log(
    `catalog: ${files.size} files, ${
      (bytes / 1e6).toFixed(1)
    } MB, ${removed} stale removed, ${ms} ms`,
  );
}
