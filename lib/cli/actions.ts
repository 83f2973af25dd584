/**
 * `tcflow actions`: browse the typed action catalog.
 *
 * - `tcflow actions` — every service of every cloud with its versions and action counts;
 * - `tcflow actions <service>` — the actions of a service (newest version, or `--version`),
 *   Huawei Cloud's too (`tcflow actions huaweicloud/cph`);
 * - `tcflow actions --search text [service]` — actions whose name contains the text, then those
 *   whose description does;
 * - `tcflow actions describe <service.Action> [--skeleton]` — parameters, outputs, paging,
 *   (`huaweicloud/cph.ListEncodeServers` too)
 *   rate limit, whole descriptions; `--skeleton` prints a YAML step with every parameter
 *   (required ones as typed placeholders, optional ones commented out);
 * - `tcflow actions describe <service.Structure>` — a structure's fields (`trocket.TopicItem`).
 *
 * @module
 */
import { catalogIndex, searchActions } from "../catalog/catalog.ts";
import {
  actionSuggestionAnyCloud,
  DEFAULT_PROVIDER,
  findActionAnyCloud,
  providerByName,
  providerOfService,
  providers,
  serviceOfRef,
  serviceVersionAnyCloud,
  versionsAnyCloud,
} from "../provider/registry.ts";
import { stepSkeleton } from "../catalog/skeleton.ts";
import type { ActionSpec, Field, Structure } from "../catalog/types.ts";
import { findStructureAnyCloud, loadDocsAnyCloud } from "../catalog/clouds.ts";
import { describePaging } from "../catalog/pager.ts";
import { stringifyJson } from "../json.ts";
import { boolFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";

const ACTIONS_FLAGS = {
  search: { type: "string" },
  version: { type: "string" },
  skeleton: { type: "boolean" },
} as const;

const USAGE = `Usage: tcflow actions [service] [--version V] [--search text] [--json]
       tcflow actions describe <service.Action> [--version V] [--skeleton] [--json]
       tcflow actions describe <service.Structure> [--version V] [--json]

--search looks in action names, then in their descriptions.
`;

/** `tcflow actions`. */
export const actionsCommand: Command = (args, ctx) => {
  const parsed = parseCommandArgs("actions", args, ACTIONS_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(USAGE);
    return Promise.resolve(EXIT.ok);
  }
  const json = boolFlag(parsed, "json");
  const version = stringFlag(parsed, "version");
  const [first, second, ...extra] = parsed.positionals;
  if (extra.length > 0) {
    throw new UsageError(`actions: unexpected argument "${extra[0]}"\n${USAGE}`);
  }

  if (first === "describe") {
    if (second === undefined) {
      throw new UsageError(`actions describe: missing <service.Action>\n${USAGE}`);
    }
    const structure = lookupStructure(second, version);
    if (structure !== undefined) {
      loadDocsAnyCloud(structure.service, structure.version);
      if (boolFlag(parsed, "skeleton")) {
        throw new UsageError(
          `actions describe: --skeleton goes with an action; ${second} is a structure`,
        );
      }
      if (json) ctx.io.stdout(stringifyJson(structure.structure, 2) + "\n");
      else {ctx.io.stdout(
          describeStructure(structure.service, structure.version, structure.structure),
        );}
      return Promise.resolve(EXIT.ok);
    }
    const spec = lookupAction(second, version);
    loadDocsAnyCloud(spec.service, spec.version);
    if (boolFlag(parsed, "skeleton")) ctx.io.stdout(stepSkeleton(spec));
    else if (json) ctx.io.stdout(stringifyJson(spec, 2) + "\n");
    else ctx.io.stdout(describe(spec));
    return Promise.resolve(EXIT.ok);
  }
  if (second !== undefined) {
    throw new UsageError(`actions: unexpected argument "${second}"\n${USAGE}`);
  }

  const search = stringFlag(parsed, "search");
  if (search !== undefined) {
    if (first !== undefined) knownService(first);
    const hits = searchAllClouds(search, first);
    const named = new Set(hits.map((hit) => `${hit.service}.${hit.action}`));
    const described = searchDescriptions(search, first).filter((hit) =>
      !named.has(`${hit.service}.${hit.action}`)
    );
    if (json) {
      ctx.io.stdout(
        stringifyJson([...hits, ...described.map((hit) => ({ ...hit, in: "description" }))], 2) +
          "\n",
      );
    } else {
      for (const hit of hits) ctx.io.stdout(`${hit.service}.${hit.action}  ${hit.version}\n`);
      for (const hit of described) {
        ctx.io.stdout(
          `${hit.service}.${hit.action}  ${hit.version}  (description: ${hit.excerpt})\n`,
        );
      }
      ctx.io.stderr(
        `${hits.length} action(s) match "${search}" by name, ${described.length} by description.\n`,
      );
    }
    return Promise.resolve(EXIT.ok);
  }

  if (first !== undefined) {
    listService(first, version, json, ctx);
    return Promise.resolve(EXIT.ok);
  }
  listServices(json, ctx);
  return Promise.resolve(EXIT.ok);
};

/** Throws a usage error (with a "did you mean") unless `service` is a service of some cloud. */
function knownService(service: string): void {
  if (versionsAnyCloud(service).length > 0) return;
  const provider = providerOfService(service);
  const hint = provider?.serviceSuggestion(service);
  const named = hint === undefined || provider === undefined || provider.name === DEFAULT_PROVIDER
    ? hint
    : `${provider.name}/${hint}`;
  throw new UsageError(
    `unknown service "${service}"${named ? `; did you mean "${named}"?` : ""}`,
  );
}

/** `service has no version V (known: …)`. */
function noVersion(service: string, version: string | undefined): UsageError {
  return new UsageError(
    `${service} has no version ${version} (known: ${versionsAnyCloud(service).join(", ")})`,
  );
}

/**
 * Finds `service.Action` of any cloud (`trocket.DescribeTopicList`,
 * `tencentcloud/trocket.DescribeTopicList`, `huaweicloud/cph.ListEncodeServers`) or throws a
 * usage error.
 */
export function lookupAction(name: string, version: string | undefined): ActionSpec {
  const match = /^(?:([a-z][a-z0-9-]*)\/)?([a-z0-9]+)\.([A-Za-z0-9]+)$/.exec(name);
  if (match === null) {
    throw new UsageError(
      `"${name}" is not an action name like trocket.DescribeTopicList or ` +
        "huaweicloud/cph.ListEncodeServers",
    );
  }
  const [, cloud = DEFAULT_PROVIDER, bare = "", action = ""] = match;
  if (providerByName(cloud) === undefined) {
    throw new UsageError(
      `unknown cloud "${cloud}" (known: ${providers().map((p) => p.name).join(", ")})`,
    );
  }
  const service = serviceOfRef({ provider: cloud, service: bare });
  knownService(service);
  if (version !== undefined && serviceVersionAnyCloud(service, version) === undefined) {
    throw noVersion(service, version);
  }
  const spec = findActionAnyCloud(service, action, version);
  if (spec === undefined) {
    const hint = actionSuggestionAnyCloud(service, action);
    throw new UsageError(
      `unknown action ${service}.${action}${hint ? `; did you mean ${service}.${hint}?` : ""}`,
    );
  }
  return spec;
}

/**
 * Finds `service.Structure` (`trocket.TopicItem`), or `undefined` when the name is no structure
 * of the service (then it is looked up as an action).
 */
function lookupStructure(
  name: string,
  version: string | undefined,
): { service: string; version: string; structure: Structure } | undefined {
  const match = /^(?:([a-z][a-z0-9-]*)\/)?([a-z0-9]+)\.([A-Za-z0-9]+)$/.exec(name);
  if (match === null) return undefined;
  const [, cloud = DEFAULT_PROVIDER, bare = "", type = ""] = match;
  if (providerByName(cloud) === undefined) return undefined;
  const service = serviceOfRef({ provider: cloud, service: bare });
  const versions = version === undefined ? versionsAnyCloud(service) : [version];
  for (const v of versions) {
    const sv = serviceVersionAnyCloud(service, v);
    if (sv === undefined || Object.hasOwn(sv.actions, type)) return undefined;
    const structure = findStructureAnyCloud(service, v, type);
    if (structure !== undefined) return { service, version: v, structure };
  }
  return undefined;
}

/**
 * Actions whose documentation contains `text` (case-insensitive), of one service or of every
 * Tencent Cloud service (newest version of each), with an excerpt around the match.
 */
function searchDescriptions(
  text: string,
  service: string | undefined,
): Array<{ service: string; version: string; action: string; excerpt: string }> {
  const needle = text.toLowerCase();
  const services = service === undefined
    ? [...Object.keys(catalogIndex().services), ...otherServices()]
    : [service];
  const out: Array<{ service: string; version: string; action: string; excerpt: string }> = [];
  for (const svc of services) {
    const sv = serviceVersionAnyCloud(svc);
    if (sv === undefined) continue;
    loadDocsAnyCloud(svc, sv.version);
    for (const spec of Object.values(sv.actions).sort((a, b) => a.name.localeCompare(b.name))) {
      const doc = spec.description ?? spec.doc ?? "";
      const at = doc.toLowerCase().indexOf(needle);
      if (at < 0) continue;
      const from = Math.max(0, at - 20);
      const excerpt = (from > 0 ? "…" : "") +
        doc.slice(from, at + needle.length + 30).replace(/\s+/g, " ") +
        (at + needle.length + 30 < doc.length ? "…" : "");
      out.push({ service: svc, version: sv.version, action: spec.name, excerpt });
    }
  }
  return out;
}

/** The services of the clouds other than the default one (whose index is `catalogIndex()`). */
function otherServices(): string[] {
  return providers()
    .filter((p) => p.name !== DEFAULT_PROVIDER)
    .flatMap((p) => p.serviceNames?.() ?? []);
}

/** Actions whose name contains `text` (case-insensitive), of one service or of every cloud. */
function searchAllClouds(
  text: string,
  service: string | undefined,
): Array<{ service: string; version: string; action: string }> {
  const owner = service === undefined ? undefined : providerOfService(service);
  const tencent = service === undefined || owner?.name === DEFAULT_PROVIDER
    ? searchActions(text, service)
    : [];
  const needle = text.toLowerCase();
  const others = (service === undefined ? otherServices() : owner === undefined ||
      owner.name === DEFAULT_PROVIDER
    ? []
    : [service]).flatMap((svc) => {
      const seen = new Set<string>();
      return versionsAnyCloud(svc).flatMap((v) =>
        Object.keys(serviceVersionAnyCloud(svc, v)?.actions ?? {}).sort()
          .filter((action) => {
            if (seen.has(action) || !action.toLowerCase().includes(needle)) return false;
            seen.add(action);
            return true;
          })
          .map((action) => ({ service: svc, version: v, action }))
      );
    });
  return [...tencent, ...others];
}

function listServices(json: boolean, ctx: CliContext): void {
  const index = catalogIndex();
  const rows = Object.entries(index.services).map(([service, entry]) => ({
    service,
    versions: entry.versions,
    actions: Object.keys(entry.actions).length === 0
      ? 0
      : (entry.actions[entry.versions[0] ?? ""] ?? []).length,
  }));
  for (const service of otherServices()) {
    rows.push({
      service,
      versions: versionsAnyCloud(service),
      actions: Object.keys(serviceVersionAnyCloud(service)?.actions ?? {}).length,
    });
  }
  if (json) {
    ctx.io.stdout(stringifyJson(rows, 2) + "\n");
    return;
  }
  const width = Math.max(...rows.map((row) => row.service.length));
  for (const row of rows) {
    ctx.io.stdout(
      `${row.service.padEnd(width)}  ${String(row.actions).padStart(4)} actions  ${
        row.versions.join(", ")
      }\n`,
    );
  }
  ctx.io.stderr(`${rows.length} services (tencentcloud-sdk-nodejs ${index.sdkVersion}).\n`);
}

function listService(
  service: string,
  version: string | undefined,
  json: boolean,
  ctx: CliContext,
): void {
  knownService(service);
  const sv = serviceVersionAnyCloud(service, version);
  if (sv === undefined) throw noVersion(service, version);
  loadDocsAnyCloud(service, sv.version);
  const actions = Object.values(sv.actions).sort((a, b) => a.name.localeCompare(b.name));
  if (json) {
    ctx.io.stdout(
      stringifyJson(
        actions.map((a) => ({
          action: `${a.service}.${a.name}`,
          version: a.version,
          mutating: a.mutating,
          rateLimitPerS: a.rateLimitPerS,
          doc: a.doc ?? "",
        })),
        2,
      ) + "\n",
    );
    return;
  }
  const width = Math.max(...actions.map((a) => a.name.length));
  for (const a of actions) {
    const kind = a.mutating ? "write" : "read ";
    ctx.io.stdout(
      `${a.name.padEnd(width)}  ${kind}  ${String(a.rateLimitPerS).padStart(5)}/s  ${
        a.doc ?? ""
      }\n`,
    );
  }
  ctx.io.stderr(`${actions.length} actions in ${service} ${sv.version} (${sv.host}).\n`);
}

function describe(spec: ActionSpec): string {
  const about = spec.description ?? spec.doc;
  const lines = [
    `${spec.service}.${spec.name}  (version ${spec.version})`,
    ...(about ? about.split("\n") : []),
    ...(spec.deprecated ? [`deprecated: ${spec.deprecated}`] : []),
    "",
    `mutating: ${spec.mutating ? "yes" : "no"}   rate limit: ${spec.rateLimitPerS}/s   ` +
    `ClientToken: ${spec.clientToken ? "yes (retries are safe)" : "no"}`,
  ];
  if (spec.pagination) lines.push(`paginate: ${describePaging(spec.pagination)}`);
  else if (spec.notPageable) lines.push(`paginate: no (${spec.notPageable})`);
  lines.push("", "Parameters:", ...fieldLines(spec.inputs, true));
  lines.push("", "Response:", ...fieldLines(spec.outputs, false));
  if (spec.errors && Object.keys(spec.errors).length > 0) {
    lines.push("", "Errors:");
    for (const [code, text] of Object.entries(spec.errors)) lines.push(`  ${code}  ${text}`);
  }
  const used = structuresOf(spec);
  if (used.length > 0) {
    lines.push(
      "",
      `Structures: ${used.join(", ")} (tcflow actions describe ${spec.service}.${used[0]})`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The structures an action's parameters and response name, directly or inside each other. */
function structuresOf(spec: ActionSpec): string[] {
  const seen = new Set<string>();
  const visit = (fields: readonly Field[]) => {
    for (const field of fields) {
      const base = field.type.replace(/(\[\])+$/, "");
      if (seen.has(base)) continue;
      const structure = findStructureAnyCloud(spec.service, spec.version, base);
      if (structure === undefined) continue;
      seen.add(base);
      visit(structure.fields);
    }
  };
  visit(spec.inputs);
  visit(spec.outputs);
  return [...seen].sort();
}

function describeStructure(service: string, version: string, structure: Structure): string {
  const about = structure.description ?? structure.doc;
  return [
    `${service}.${structure.name}  (structure, version ${version})`,
    ...(about ? about.split("\n") : []),
    "",
    "Fields:",
    ...fieldLines(structure.fields, false),
  ].join("\n") + "\n";
}

/**
 * One line per field (name, type, required, documentation); a field's whole description goes
 * on, line by line, under its first line (an enumeration's values one per line).
 */
function fieldLines(fields: Field[], showRequired: boolean): string[] {
  if (fields.length === 0) return ["  (none)"];
  const nameWidth = Math.max(...fields.map((f) => f.name.length));
  const typeWidth = Math.max(...fields.map((f) => f.type.length));
  return fields.flatMap((f) => {
    const required = showRequired ? (f.required ? "required  " : "optional  ") : "";
    const head = `  ${f.name.padEnd(nameWidth)}  ${f.type.padEnd(typeWidth)}  ${required}`;
    const [first = "", ...more] = (f.description ?? f.doc ?? "").split("\n");
    const facts = [
      ...(f.enum && f.enum.length > 0 ? [`one of: ${f.enum.join(", ")}`] : []),
      ...(f.deprecated ? ["deprecated"] : []),
    ];
    const pad = " ".repeat(head.length);
    return [
      `${head}${first}`.trimEnd(),
      ...more.map((line) => `${pad}${line}`),
      ...facts.map((line) => `${pad}(${line})`),
    ];
  });
}
