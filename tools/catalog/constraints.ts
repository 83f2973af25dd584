/**
 * The documented enumerations and ranges of request parameters, read from the SDK's comments:
 * `取值范围3～16`, `取值范围：[0, 100]`, `取值范围是 -10 到 10` (numbers) and
 * `可选值：NORMAL、FIFO`, `取值：<li>BASIC：基础版</li><li>PRO：专业版</li>` (strings). Only
 * closed lists are taken: a list that goes on with `等` (and so on) or names `其他` (other
 * values) is not an enumeration. `validate` and the emulator check values against them.
 *
 * @module
 */
import type { Field } from "../../lib/catalog/types.ts";

const RANGE =
  /(?:取值范围|范围|取值区间|取值)\s*(?:[：:为是]\s*)?[[［(（]?\s*(-?\d+)\s*(?:~|～|-|－|—|到|至|,|，)\s*(-?\d+)\s*[\]］)）]?/;
const ENUM_INTRO =
  /(?:可选值|可选项|取值|枚举值|有效值|可取值|支持的值|可选参数)(?:范围)?\s*(?:为|是|包括|有)?\s*[：:]?\s*/;
const VALUE = String.raw`[A-Za-z][A-Za-z0-9_.\-]*`;
const LI_VALUE = new RegExp(
  String.raw`<li>\s*(?:<code>)?\s*(${VALUE})\s*(?:</code>)?\s*[：:（(]`,
  "g",
);
const INLINE = new RegExp(
  String.raw`^\s*((?:${VALUE})(?:\s*(?:、|，|,|/|或|\||；)\s*${VALUE})+)\s*(?:[。；;]|$|\s)`,
);
const SEPARATOR = /\s*(?:、|，|,|\/|或|\||；)\s*/;

function plain(raw: string): string {
  return raw.replace(/<[^>]{1,200}>/g, " ");
}

/** The enumeration a string parameter's documentation gives, if a closed one. */
function enumOf(raw: string): string[] | undefined {
  const items = [...raw.matchAll(LI_VALUE)].map((m) => m[1]!);
  const lis = (raw.match(/<li>/g) ?? []).length;
  const text = plain(raw);
  if (
    items.length >= 2 && items.length === lis && /可选值|取值|枚举|支持|可选/.test(raw) &&
    !/其他|其它|等[。，,]|etc/.test(text)
  ) {
    return [...new Set(items)];
  }
  const intro = ENUM_INTRO.exec(text);
  if (intro === null) return undefined;
  const rest = text.slice(intro.index + intro[0].length);
  const list = INLINE.exec(rest);
  if (list === null) return undefined;
  const after = rest.slice(list[0].length - 1, list[0].length + 2);
  if (/等/.test(after)) return undefined;
  const values = list[1]!.split(SEPARATOR).map((v) => v.trim()).filter((v) => v !== "");
  return values.length >= 2 ? [...new Set(values)] : undefined;
}

/**
 * The documented bounds (numbers) or enumeration (strings, and arrays of them) of a request
 * parameter or structure field of catalog type `type`, from its raw documentation.
 */
export function documentedConstraints(
  type: string,
  raw: string,
): Pick<Field, "min" | "max" | "enum"> {
  const base = type.replace(/(\[\])+$/, "");
  if (base === "Integer" || base === "Number" || base === "Float") {
    const m = RANGE.exec(plain(raw));
    if (m === null) return {};
    const min = Number(m[1]);
    const max = Number(m[2]);
    return min <= max ? { min, max } : {};
  }
  if (base === "String") {
    const values = enumOf(raw);
    return values === undefined ? {} : { enum: values };
  }
  return {};
}
