/**
 * Private helper of `parse.ts`: lets `${{ … }}` hold CEL text that YAML would otherwise
 * read as syntax (`: `, ` #`, `{`, `,` …) in plain scalars, as in
 * `TopicList: ${{ inputs.topics.map(t, {"TopicName": t.name}) }}`.
 *
 * Before parsing, those characters inside each expression (and its braces) are replaced by private-use
 * characters of the same length, so every source offset stays the same; values read from
 * the document are unmasked again.
 *
 * @module
 */

const SPECIAL = ":#{}[],&*!|>%@`";
const FIRST = 0xe000;
const MASKED = new RegExp(
  `[\\u${FIRST.toString(16)}-\\u${(FIRST + SPECIAL.length - 1).toString(16)}]`,
  "g",
);

/**
 * Masks YAML-significant characters inside the `${{ … }}` of `source`. Returns the source
 * unchanged when it already holds any of the private-use characters used for masking.
 */
export function maskExpressions(source: string): string {
  if (!source.includes("${{")) return source;
  MASKED.lastIndex = 0;
  if (MASKED.test(source)) return source;
  let out = "";
  let last = 0;
  let index = source.indexOf("${{");
  while (index >= 0) {
    const close = closingBraces(source, index + 3);
    if (close < 0) break;
    const inner = source.slice(index + 3, close);
    const next = source.indexOf("${{", index + 3);
    if (inner.includes("${{") || (next >= 0 && next < close)) {
      index = next;
      continue;
    }
    out += source.slice(last, index + 1);
    for (const c of source.slice(index + 1, close + 2)) {
      const k = SPECIAL.indexOf(c);
      out += k < 0 ? c : String.fromCharCode(FIRST + k);
    }
    last = close + 2;
    index = source.indexOf("${{", close + 2);
  }
  return out + source.slice(last);
}

/** Restores the characters masked by {@link maskExpressions}. */
export function unmask(text: string): string {
  MASKED.lastIndex = 0;
  if (!MASKED.test(text)) return text;
  return text.replace(MASKED, (c) => SPECIAL[c.charCodeAt(0) - FIRST]!);
}

/** Index of the `}}` closing an expression whose CEL text starts at `from`, or -1. */
export function closingBraces(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) {
        if (!triple && text[i] === "\n") return -1; // CEL strings do not span lines
        i += text[i] === "\\" ? 2 : 1;
      }
      i += quote.length;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0 && text[i + 1] === "}") return i;
      if (depth > 0) depth--;
    }
    i++;
  }
  return -1;
}
