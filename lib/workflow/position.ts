/**
 * Source positions: offsets to line/column, and positions inside embedded expressions.
 *
 * @module
 */
import type { ExprPart, Pos } from "./model.ts";

/**
 * The position of `length` characters at `offset` of `source` (line and column 1-based).
 * Scans from `from` (a known position before `offset`) when given, else from the start.
 */
export function offsetPos(source: string, offset: number, length: number, from?: Pos): Pos {
  const target = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  let index = 0;
  if (from !== undefined && from.offset <= target) {
    line = from.line;
    lineStart = from.offset - (from.column - 1);
    index = from.offset;
  }
  for (; index < target; index++) {
    if (source.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: target - lineStart + 1, offset: target, length: Math.max(1, length) };
}

const SKIPPABLE = new Set([" ", "\t", "\n", "\r"]);

/**
 * Aligns `text` (a decoded YAML value or part of it) with the source starting at `start`:
 * returns the source offset of each character of `text`, or `undefined` when the source
 * differs by more than whitespace, line folding and doubled single quotes (for example a
 * double-quoted string with escapes), in which case exact positions are not known.
 */
export function alignText(
  text: string,
  source: string,
  start: number,
  options: { singleQuoted?: boolean } = {},
): number[] | undefined {
  const offsets: number[] = [];
  let j = start;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    for (;;) {
      if (j >= source.length) return undefined;
      const s = source[j]!;
      if (options.singleQuoted && c === "'" && s === "'" && source[j + 1] === "'") {
        offsets.push(j);
        j += 2;
        break;
      }
      if (s === c || ((c === " " || c === "\n") && s === "\n")) {
        offsets.push(j);
        j++;
        break;
      }
      if (SKIPPABLE.has(s)) {
        j++;
        continue;
      }
      return undefined;
    }
  }
  return offsets;
}

/**
 * The position of a problem at `offset` (with `length`) inside the CEL text of an embedded
 * expression, given the workflow's source. Falls back to the expression's own position when
 * the expression's text cannot be found in the source (escaped quoted scalars).
 */
export function exprPos(source: string, part: ExprPart, offset: number, length: number): Pos {
  const at = Math.max(0, Math.min(offset, part.source.length));
  const end = Math.max(at, Math.min(offset + Math.max(length, 1), part.source.length));
  const plain = source.startsWith(part.source, part.pos.offset);
  let startOffset: number;
  let endOffset: number;
  if (plain) {
    startOffset = part.pos.offset + at;
    endOffset = part.pos.offset + end;
  } else {
    const offsets = alignText(part.source, source, part.pos.offset, { singleQuoted: true });
    if (offsets === undefined) return part.pos;
    startOffset = offsets[at] ?? part.pos.offset + part.pos.length;
    endOffset = end > at ? offsets[end - 1]! + 1 : startOffset + 1;
  }
  return offsetPos(source, startOffset, endOffset - startOffset, part.pos);
}
