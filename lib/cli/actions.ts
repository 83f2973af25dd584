/**
 * `tcflow actions`: browse the typed action catalog.
 *
 * - `tcflow actions` — every service with its versions and action counts;
 * - `tcflow actions <service>` — the actions of a service (newest version, or `--version`);
 * - `tcflow actions --search text [service]` — actions whose name contains the text;
 * - `tcflow actions describe <service.Action> [--skeleton]` — parameters, outputs, paging,
 *   rate limit; `--skeleton` prints a YAML step with every parameter.
 *
 * @module
 */
import {
  actionSuggestion,
  catalogIndex,
  findAction,
  searchActions,
  serviceSuggestion,
  serviceVersion,
} from "../catalog/catalog.ts";
import { stepSkeleton } from "../catalog/skeleton.ts";
import type { ActionSpec, Field } from "../catalog/types.ts";
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
    const spec = lookup(second, version);
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
    const hits = searchActions(search, first);
    if (json) ctx.io.stdout(stringifyJson(hits, 2) + "\n");
    else {
      for (const hit of hits) ctx.io.stdout(`${hit.service}.${hit.action}  ${hit.version}\n`);
      ctx.io.stderr(`${hits.length} action(s) match "${search}".\n`);
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

function knownService(service: string): void {
  if (catalogIndex().services[service] !== undefined) return;
  const hint = serviceSuggestion(service);
  throw new UsageError(
    `unknown service "${service}"${hint ? `; did you mean "${hint}"?` : ""}`,
  );
}

/** Finds `service.Action` (also `tencentcloud/service.Action`) or throws a usage error. */
function lookup(name: string, version: string | undefined): ActionSpec {
  const match = /^(?:tencentcloud\/)?([a-z0-9]+)\.([A-Za-z0-9]+)$/.exec(name);
  if (match === null) {
    throw new UsageError(`"${name}" is not an action name like trocket.DescribeTopicList`);
  }
  const [, service = "", action = ""] = match;
  knownService(service);
  if (version !== undefined && serviceVersion(service, version) === undefined) {
    const versions = catalogIndex().services[service]?.versions ?? [];
    throw new UsageError(`${service} has no version ${version} (known: ${versions.join(", ")})`);
  }
  const spec = findAction(service, action, version);
  if (spec === undefined) {
    const hint = actionSuggestion(service, action);
    throw new UsageError(
      `unknown action ${service}.${action}${hint ? `; did you mean ${service}.${hint}?` : ""}`,
    );
  }
  return spec;
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
  const sv = serviceVersion(service, version);
  if (sv === undefined) {
    const versions = catalogIndex().services[service]?.versions ?? [];
    throw new UsageError(`${service} has no version ${version} (known: ${versions.join(", ")})`);
  }
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
  const lines = [
    `${spec.service}.${spec.name}  (version ${spec.version})`,
    ...(spec.doc ? [spec.doc] : []),
    "",
    `mutating: ${spec.mutating ? "yes" : "no"}   rate limit: ${spec.rateLimitPerS}/s   ` +
    `ClientToken: ${spec.clientToken ? "yes (retries are safe)" : "no"}`,
  ];
  if (spec.pagination) {
    const p = spec.pagination;
    lines.push(`paginate: ${p.offset}/${p.limit} → ${p.total}, list field ${p.list}`);
  }
  lines.push("", "Parameters:", ...fieldLines(spec.inputs, true));
  lines.push("", "Response:", ...fieldLines(spec.outputs, false));
  if (spec.errors && Object.keys(spec.errors).length > 0) {
    lines.push("", "Errors:");
    for (const [code, text] of Object.entries(spec.errors)) lines.push(`  ${code}  ${text}`);
  }
  return lines.join("\n") + "\n";
}

function fieldLines(fields: Field[], showRequired: boolean): string[] {
  if (fields.length === 0) return ["  (none)"];
  const nameWidth = Math.max(...fields.map((f) => f.name.length));
  const typeWidth = Math.max(...fields.map((f) => f.type.length));
  return fields.map((f) => {
    const required = showRequired ? (f.required ? "required  " : "optional  ") : "";
    return `  ${f.name.padEnd(nameWidth)}  ${f.type.padEnd(typeWidth)}  ${required}${f.doc ?? ""}`
      .trimEnd();
  });
}
