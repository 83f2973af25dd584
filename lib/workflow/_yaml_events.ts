/**
 * Private helper of `parse.ts`: composes a workflow's YAML from the parser events of
 * `js-yaml` (`parseEvents`: a flat list of events with source offsets). Cold, in a fresh
 * `tcflow validate` process, this takes a few milliseconds where the `yaml` package takes
 * about 30 (measured in one process with `performance.now()`).
 *
 * It handles the YAML a workflow is written in: one document of block and flow collections,
 * scalars of every style, anchors and aliases. Anything else (a syntax error, a tag, a
 * directive, several documents, explicit `?` keys, an alias before its anchor) returns
 * `undefined`, and `parse.ts` composes the file with the `yaml` package instead, which also
 * words the errors. Positions follow the `yaml` package (see `_yaml_tree.ts`);
 * `test/yaml_compose_test.ts` compares both composers.
 *
 * @module
 */
import { type Event, getScalarValue, parseEvents } from "../vendor/js_yaml.js";
import {
  resolvePlain,
  type ScalarStyle,
  type YamlMap,
  type YamlNode,
  type YamlSeq,
} from "./_yaml_tree.ts";

const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const ALIAS = 5;
const POP = 6;
const KEEP = 3; // chomping `+`
const FLOW = 2; // collection style `[…]`, `{…}`

const STYLES: readonly ScalarStyle[] = [
  "PLAIN",
  "PLAIN",
  "QUOTE_SINGLE",
  "QUOTE_DOUBLE",
  "BLOCK_LITERAL",
  "BLOCK_FOLDED",
];

/** A collection being composed. */
interface Open {
  node: YamlMap | YamlSeq;
  flow: boolean;
  /** The key read, while its value is awaited (mappings). */
  key?: YamlNode | null | undefined;
}

/** Thrown inside the composer when the file is left to the `yaml` package. */
class NotHandled extends Error {}

/** The root node (`null` for an empty document), or `undefined` when not handled here. */
export function composeEvents(text: string): YamlNode | null | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  try {
    return new Composer(text).compose(events);
  } catch (error) {
    if (error instanceof NotHandled) return undefined;
    throw error;
  }
}

class Composer {
  /** End of the last token composed: where the search for the next indicator starts. */
  #cursor = 0;
  readonly #anchors = new Map<string, YamlNode>();
  readonly #stack: Open[] = [];
  #root: YamlNode | null = null;

  constructor(readonly text: string) {}

  compose(events: Event[]): YamlNode | null {
    let documents = 0;
    for (const event of events) {
      switch (event.type) {
        case DOCUMENT:
          documents++;
          if (documents > 1 || event.directives.length > 0) throw new NotHandled();
          break;
        case SEQUENCE:
        case MAPPING: {
          this.#noTag(event.tagStart);
          const flow = event.style === FLOW;
          if (flow && this.text[event.start] !== (event.type === SEQUENCE ? "[" : "{")) {
            throw new NotHandled(); // a single-pair mapping inside a flow sequence
          }
          const range: [number, number] = [event.start, event.start];
          const node: YamlMap | YamlSeq = event.type === SEQUENCE
            ? { kind: "seq", range, items: [] }
            : { kind: "map", range, items: [] };
          this.#anchor(event.anchorStart, event.anchorEnd, node);
          this.#cursor = flow ? event.start + 1 : event.start;
          this.#add(node);
          this.#stack.push({ node, flow });
          break;
        }
        case SCALAR: {
          this.#noTag(event.tagStart);
          const node = this.#scalar(event);
          this.#anchor(event.anchorStart, event.anchorEnd, node);
          this.#cursor = node.range[1];
          this.#add(node);
          break;
        }
        case ALIAS: {
          const name = this.text.slice(event.anchorStart, event.anchorEnd);
          const target = this.#anchors.get(name);
          if (target === undefined) throw new NotHandled();
          const range: [number, number] = [event.anchorStart - 1, event.anchorEnd];
          this.#cursor = range[1];
          this.#add({ kind: "alias", range, source: name, target });
          break;
        }
        case POP:
          if (this.#stack.length > 0) this.#close(this.#stack.pop()!);
          break;
      }
    }
    return this.#root;
  }

  #noTag(tagStart: number): void {
    if (tagStart >= 0) throw new NotHandled();
  }

  #anchor(start: number, end: number, node: YamlNode): void {
    if (start < 0) return;
    this.#anchors.set(this.text.slice(start, end), node);
    this.#cursor = Math.max(this.#cursor, end);
  }

  /** Puts a composed node into the open collection (or makes it the root). */
  #add(node: YamlNode): void {
    const open = this.#stack.at(-1);
    if (open === undefined) {
      this.#root = node;
      return;
    }
    if (open.node.kind === "seq") {
      open.node.items.push(node);
    } else if (open.key === undefined) {
      open.key = node;
    } else {
      open.node.items.push({ key: open.key, value: node });
      open.key = undefined;
    }
  }

  #scalar(event: Extract<Event, { type: 4 }>): YamlNode {
    const text = this.text;
    const type = STYLES[event.style]!;
    if (event.valueStart < 0) {
      // An empty value: the `yaml` package places it just after its indicator.
      const open = this.#stack.at(-1);
      const expected = open?.node.kind === "map" && open.key !== undefined ? ":" : "-";
      const at = this.#skip(this.#cursor, "");
      if (open === undefined || open.flow || event.anchorStart >= 0 || text[at] !== expected) {
        throw new NotHandled();
      }
      let offset = at + 1;
      while (text[offset] === " " || text[offset] === "\t") offset++;
      return { kind: "scalar", range: [offset, offset], type, value: null };
    }
    const value = getScalarValue(text, event);
    if (type === "PLAIN") {
      return {
        kind: "scalar",
        range: [event.valueStart, event.valueEnd],
        type,
        value: resolvePlain(value),
      };
    }
    if (type === "QUOTE_SINGLE" || type === "QUOTE_DOUBLE") {
      return { kind: "scalar", range: [event.valueStart - 1, event.valueEnd + 1], type, value };
    }
    const indicator = this.#skip(Math.max(this.#cursor, event.anchorEnd), ":-?");
    if (text[indicator] !== "|" && text[indicator] !== ">") throw new NotHandled();
    const end = event.chomping === KEEP ? event.valueEnd : this.#trimBlank(event);
    return { kind: "scalar", range: [indicator, end], type, value };
  }

  /** The end of a block scalar without its trailing blank lines (clip and strip chomping). */
  #trimBlank(event: Extract<Event, { type: 4 }>): number {
    const text = this.text;
    let end = event.valueEnd;
    while (end > event.valueStart && text[end - 1] === "\n") {
      const lineStart = text.lastIndexOf("\n", end - 2) + 1;
      if (lineStart < event.valueStart || text.slice(lineStart, end).trim() !== "") break;
      end = lineStart;
    }
    return end;
  }

  /** Sets the end of a collection once its last item is composed. */
  #close(open: Open): void {
    const { node } = open;
    if (open.key !== undefined) throw new NotHandled(); // a key without a value
    if (open.flow) {
      const at = this.#skip(this.#cursor, ",");
      if (this.text[at] !== (node.kind === "seq" ? "]" : "}")) throw new NotHandled();
      node.range[1] = at + 1;
      this.#cursor = at + 1;
      return;
    }
    if (node.items.length === 0) throw new NotHandled();
    node.range[1] = this.#lineEnd(this.#cursor);
    this.#cursor = node.range[1];
  }

  /** The first offset at or after `from` that is not blank, a comment or one of `also`. */
  #skip(from: number, also: string): number {
    const text = this.text;
    let i = from;
    while (i < text.length) {
      const c = text[i]!;
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || also.includes(c)) i++;
      else if (c === "#") i = this.#eol(i);
      else break;
    }
    return i;
  }

  #eol(i: number): number {
    const newline = this.text.indexOf("\n", i);
    return newline < 0 ? this.text.length : newline;
  }

  /** After `end`: the rest of the line when blank or a comment, and its line break. */
  #lineEnd(end: number): number {
    const text = this.text;
    if (end > 0 && text[end - 1] === "\n") return end;
    let i = end;
    while (text[i] === " " || text[i] === "\t") i++;
    if (text[i] === "#") i = this.#eol(i);
    if (text[i] === "\r") i++;
    if (text[i] === "\n") return i + 1;
    return i === text.length ? i : end;
  }
}
