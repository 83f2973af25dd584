/**
 * Private helper of `parse.ts`: composes a workflow's YAML with the `yaml` package, which
 * reports every YAML error with its position. `parse.ts` uses it when the faster
 * `_yaml_events.ts` leaves a file to it (errors, tags, several documents, rare forms), so
 * YAML error messages are the `yaml` package's.
 *
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  type YAMLError,
} from "../vendor/yaml.js";
import type { Diagnostic } from "./diagnostic.ts";
import { offsetPos } from "./position.ts";
import type { ScalarStyle, ScalarValue, YamlNode } from "./_yaml_tree.ts";

/** The root node of a YAML text (`null` when empty), or its YAML errors as diagnostics. */
export type DocumentResult =
  | { root: YamlNode | null; diagnostics?: undefined }
  | { root?: undefined; diagnostics: Diagnostic[] };

/** Composes `text` (the masked source) with the `yaml` package; `source` is for positions. */
export function composeDocument(text: string, source: string, file: string): DocumentResult {
  const doc = parseDocument(text, {
    intAsBigInt: true,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    version: "1.2",
    schema: "core",
    merge: false,
  });
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of [...doc.errors, ...doc.warnings]) {
    const d = yamlDiagnostic(error, file, source);
    const key = `${d.line}:${d.column}:${d.message}`;
    if (!seen.has(key)) diagnostics.push(d);
    seen.add(key);
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { root: convert(doc, doc.contents as Node | null, new Map()) };
}

function convert(
  doc: Document.Parsed,
  node: Node | null,
  done: Map<Node, YamlNode>,
): YamlNode | null {
  if (node === null) return null;
  const range: [number, number] = [node.range?.[0] ?? 0, node.range?.[1] ?? 0];
  const tag = node.tag === undefined ? {} : { tag: node.tag };
  if (isMap(node)) {
    const map: YamlNode = { kind: "map", range, ...tag, items: [] };
    done.set(node, map);
    for (const pair of node.items) {
      map.items.push({
        key: convert(doc, pair.key as Node | null, done),
        value: convert(doc, pair.value as Node | null, done),
      });
    }
    return map;
  }
  if (isSeq(node)) {
    const seq: YamlNode = { kind: "seq", range, ...tag, items: [] };
    done.set(node, seq);
    for (const item of node.items) seq.items.push(convert(doc, item as Node | null, done));
    return seq;
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return {
      kind: "alias",
      range,
      source: node.source,
      target: target === undefined ? undefined : done.get(target as Node),
    };
  }
  if (isScalar(node)) {
    const scalar: YamlNode = {
      kind: "scalar",
      range,
      ...tag,
      type: (node.type ?? "PLAIN") as ScalarStyle,
      value: node.value as ScalarValue,
    };
    done.set(node, scalar);
    return scalar;
  }
  return null;
}

/** A `yaml` error or warning as an `E_YAML` diagnostic. */
function yamlDiagnostic(error: YAMLError, file: string, source: string): Diagnostic {
  const [startOffset, endOffset] = error.pos;
  const start = offsetPos(source, startOffset, 1);
  const stop = offsetPos(source, Math.max(startOffset, endOffset), 1);
  const line = { line: start.line, col: start.column };
  const end = { line: stop.line, col: stop.column };
  let message = error.message.replace(/ at line \d+, column \d+.*$/s, "");
  if (error.code === "RESOURCE_EXHAUSTION") message = "values are nested too deeply";
  if (error.code === "MULTIPLE_DOCS") message = "a workflow file holds one YAML document";
  if (error.code === "TAG_RESOLVE_FAILED") {
    message = `tags are not allowed (\`${message.replace(/^Unresolved tag: /, "")}\`)`;
  }
  const length = end.line === line.line ? Math.max(1, end.col - line.col) : 1;
  return {
    code: "E_YAML",
    message: message.charAt(0).toLowerCase() + message.slice(1),
    file,
    line: line.line,
    column: line.col,
    severity: "error",
    length,
  };
}
