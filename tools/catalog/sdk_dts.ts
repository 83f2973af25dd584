/**
 * Reads the type declarations shipped in the `tencentcloud-sdk-nodejs` npm package:
 * `<svc>_models.d.ts` (request, response and structure interfaces) and `<svc>_client.d.ts`
 * (one method per action with its documentation), plus the endpoint host from
 * `<svc>_client.js` (`super("trocket.tencentcloudapi.com", "2023-03-08", …)`).
 *
 * The files are regular generated code, so this is line parsing, not a TypeScript parser.
 *
 * @module
 */

/** A field of an SDK interface, before conversion to catalog types. */
export interface SdkField {
  name: string;
  /** The TypeScript type as written, e.g. `string`, `Array<Filter>`. */
  tsType: string;
  /** Declared with `?`. */
  optional: boolean;
  /** The JSDoc text, raw (may hold HTML and several lines). */
  doc: string;
}

/** An SDK interface: a request, a response or a structure. */
export interface SdkInterface {
  name: string;
  doc: string;
  fields: SdkField[];
  /**
   * Declared `export type X = null;`: a request without parameters, or (for a structure) a
   * type the SDK's generator could not describe, which the API fills with any JSON.
   */
  isNull?: boolean;
}

/** One method of the SDK client: an action. */
export interface SdkAction {
  name: string;
  doc: string;
  request: string;
  response: string;
}

/** What the SDK says about one service version. */
export interface SdkServiceVersion {
  service: string;
  version: string;
  host: string;
  actions: SdkAction[];
  interfaces: Map<string, SdkInterface>;
}

/** Strips the JSDoc decoration of one comment line. */
function commentLine(line: string): string {
  const m = /^\s*\*(?!\/) ?(.*)$/.exec(line);
  return (m ? m[1]! : line.trim()).trimEnd();
}

/**
 * Parses a `<svc>_models.d.ts` file into its interfaces, by name. `export type X = null;`
 * (a request without parameters) becomes an interface without fields.
 */
export function parseModels(text: string): Map<string, SdkInterface> {
  const result = new Map<string, SdkInterface>();
  const lines = text.split("\n");
  let comment: string[] | undefined;
  let pendingDoc = "";
  let current: SdkInterface | undefined;
  for (const line of lines) {
    if (comment) {
      if (/^\s*\*\/\s*$/.test(line)) {
        pendingDoc = comment.join("\n").trim();
        comment = undefined;
      } else {
        comment.push(commentLine(line));
      }
      continue;
    }
    if (/^\s*\/\*\*/.test(line)) {
      const rest = line.replace(/^\s*\/\*\*\s?/, "");
      if (rest.endsWith("*/")) {
        pendingDoc = rest.slice(0, -2).trim();
      } else {
        comment = rest ? [rest] : [];
      }
      continue;
    }
    const iface = /^export interface ([A-Za-z0-9_]+) \{/.exec(line);
    if (iface) {
      current = { name: iface[1]!, doc: pendingDoc, fields: [] };
      result.set(current.name, current);
      pendingDoc = "";
      continue;
    }
    const nullType = /^export (?:declare )?type ([A-Za-z0-9_]+) = null;/.exec(line);
    if (nullType) {
      result.set(nullType[1]!, { name: nullType[1]!, doc: pendingDoc, fields: [], isNull: true });
      pendingDoc = "";
      continue;
    }
    if (current) {
      if (/^\}/.test(line)) {
        current = undefined;
        continue;
      }
      const field = /^\s+([A-Za-z0-9_]+)(\?)?: (.+);\s*$/.exec(line);
      if (field) {
        current.fields.push({
          name: field[1]!,
          tsType: field[3]!.trim(),
          optional: field[2] === "?",
          doc: pendingDoc,
        });
        pendingDoc = "";
      }
    }
  }
  return result;
}

/** Parses a `<svc>_client.d.ts` file into its actions, in file order. */
export function parseClientDts(text: string): SdkAction[] {
  const actions: SdkAction[] = [];
  const lines = text.split("\n");
  let comment: string[] | undefined;
  let pendingDoc = "";
  for (const line of lines) {
    if (comment) {
      if (/^\s*\*\/\s*$/.test(line)) {
        pendingDoc = comment.join("\n").trim();
        comment = undefined;
      } else {
        comment.push(commentLine(line));
      }
      continue;
    }
    if (/^\s*\/\*\*/.test(line)) {
      const rest = line.replace(/^\s*\/\*\*\s?/, "");
      if (rest.endsWith("*/")) pendingDoc = rest.slice(0, -2).trim();
      else comment = rest ? [rest] : [];
      continue;
    }
    const method =
      /^\s{4}([A-Z][A-Za-z0-9_]*)\(req\??: ([A-Za-z0-9_]+), cb\?: \(error: string, rep: ([A-Za-z0-9_]+)\)/
        .exec(line);
    if (method) {
      actions.push({
        name: method[1]!,
        doc: pendingDoc,
        request: method[2]!,
        response: method[3]!,
      });
      pendingDoc = "";
    }
  }
  return actions;
}

/** The `(host, version)` a `<svc>_client.js` passes to its base class. */
export function parseClientHost(jsText: string): { host: string; version: string } | undefined {
  const m = /super\("([^"]+)",\s*"([^"]+)"/.exec(jsText);
  return m ? { host: m[1]!, version: m[2]! } : undefined;
}

/** `v20230308` → `2023-03-08`. */
export function versionFromDir(dir: string): string | undefined {
  const m = /^v(\d{4})(\d{2})(\d{2})$/.exec(dir);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Reads one service version directory of the SDK (`…/services/<svc>/<vdir>`). */
export function readSdkServiceVersion(
  servicesDir: string,
  service: string,
  versionDir: string,
): SdkServiceVersion | undefined {
  const base = `${servicesDir}/${service}/${versionDir}/${service}`;
  let modelsText: string;
  let clientDts: string;
  let clientJs: string;
  try {
    modelsText = Deno.readTextFileSync(`${base}_models.d.ts`);
    clientDts = Deno.readTextFileSync(`${base}_client.d.ts`);
    clientJs = Deno.readTextFileSync(`${base}_client.js`);
  } catch {
    return undefined;
  }
  const hostInfo = parseClientHost(clientJs);
  const version = hostInfo?.version ?? versionFromDir(versionDir);
  if (!version) return undefined;
  return {
    service,
    version,
    host: hostInfo?.host ?? `${service}.tencentcloudapi.com`,
    actions: parseClientDts(clientDts),
    interfaces: parseModels(modelsText),
  };
}

/** Every `(service, versionDir)` pair under the SDK's `services` directory, sorted. */
export function listSdkServiceVersions(
  servicesDir: string,
): Array<{ service: string; versionDir: string }> {
  const out: Array<{ service: string; versionDir: string }> = [];
  const services = [...Deno.readDirSync(servicesDir)].filter((e) => e.isDirectory).map((e) =>
    e.name
  ).sort();
  for (const service of services) {
    const dirs = [...Deno.readDirSync(`${servicesDir}/${service}`)]
      .filter((e) => e.isDirectory && versionFromDir(e.name) !== undefined)
      .map((e) => e.name).sort();
    for (const versionDir of dirs) out.push({ service, versionDir });
  }
  return out;
}
