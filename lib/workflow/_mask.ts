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
import { closingBraces } from "./_yaml_reader.ts";

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
