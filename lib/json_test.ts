import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { JsonNumber, parseJson, parseWithSource, stringifyJson } from "./json.ts";

Deno.test("parseJson keeps uint64 values exact", () => {
  const parsed = parseJson('{"Id":18446744073709551615,"Small":3,"Ratio":1.5}') as Record<
    string,
    unknown
  >;
  assertEquals(parsed.Id, 18446744073709551615n);
  assertEquals(parsed.Small, 3n);
  assertEquals(parsed.Ratio, 1.5);
});

Deno.test("parseJson auto mode returns safe integers as numbers", () => {
  const parsed = parseJson("[1, 9007199254740993, -2]", "auto");
  assertEquals(parsed, [1, 9007199254740993n, -2]);
});

Deno.test("stringifyJson writes bigint as exact digits and round-trips", () => {
  const text = stringifyJson({ Id: 18446744073709551615n, List: [1n, 2] });
  assertEquals(text, '{"Id":18446744073709551615,"List":[1,2]}');
  assertEquals(parseJson(text), { Id: 18446744073709551615n, List: [1n, 2n] });
});

Deno.test("parseJson reads fractions, exponents and long integers from their source", () => {
  assertEquals(parseJson('{"A":3.0,"B":3e0,"C":-2E+2,"D":3}'), { A: 3, B: 3, C: -200, D: 3n });
  assertEquals(parseJson("[9007199254740993, -9007199254740993, 123456789012345]"), [
    9007199254740993n,
    -9007199254740993n,
    123456789012345n,
  ]);
  assertEquals(parseJson(" 7 "), 7n);
  assertEquals(parseJson("1.5"), 1.5);
  assertEquals(parseJson("[1.0]", "auto"), [1]);
});

Deno.test("parseJson keeps an own __proto__ key as data and leaves prototypes alone", () => {
  const parsed = parseJson('{"__proto__":{"polluted":1},"n":2}') as Record<string, unknown>;
  assertEquals(Object.getPrototypeOf(parsed), Object.prototype);
  assertEquals(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value, { polluted: 1n });
  assertEquals(parsed.n, 2n);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
});

/** Random JSON text with the number and string shapes that could confuse the fast path. */
function randomJson(random: () => number, depth: number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const digits = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => String(Math.floor(random() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0)),
    ).join("");
  const ws = () => pick(["", "", " ", "\n  ", "\t"]);
  const number = () => {
    const sign = pick(["", "", "-"]);
    const whole = pick([
      "0",
      digits(1 + Math.floor(random() * 15)),
      digits(16 + Math.floor(random() * 6)),
    ]);
    const fraction = pick(["", "", "", `.${digits(1 + Math.floor(random() * 3))}`, ".0"]);
    const exponent = pick(["", "", "", "", `e${pick(["", "+", "-"])}${digits(1)}`, "E2"]);
    return `${sign}${whole}${fraction}${exponent}`;
  };
  const string = () =>
    JSON.stringify(
      pick([
        "",
        "abc",
        "9b7a3c1e-1f2a",
        "10.0.0.1",
        "x:12.5",
        "[1e5,",
        "a,-1234567890123456",
        "ün",
      ]),
    );
  if (depth <= 0 || random() < 0.3) {
    return pick([number, number, string, () => pick(["true", "false", "null"])])();
  }
  const count = Math.floor(random() * 4);
  const items = Array.from(
    { length: count },
    (_, i) => randomJson(random, depth - 1) + (i % 2 === 0 ? ws() : ""),
  );
  if (random() < 0.5) return `[${ws()}${items.join(`,${ws()}`)}]`;
  return `{${items.map((item, i) => `${ws()}"k${i}"${ws()}:${ws()}${item}`).join(",")}}`;
}

Deno.test("parseJson equals the source-reading parse on 5,000 random documents", () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let fastPaths = 0;
  for (let i = 0; i < 5_000; i++) {
    const text = randomJson(random, 3);
    for (const mode of ["bigint", "auto"] as const) {
      assertEquals(parseJson(text, mode), parseWithSource(text, mode), `${mode}: ${text}`);
    }
    if (!/[.eE]|\d{16}/.test(text.replace(/"[^"]*"/g, ""))) fastPaths++;
  }
  // Both paths were exercised.
  if (fastPaths < 500 || fastPaths > 4_500) {
    throw new Error(`${fastPaths} of 5,000 on the fast path`);
  }
});

Deno.test("parseJson keeps numbers no double holds as JsonNumber with their text", () => {
  for (const mode of ["bigint", "auto"] as const) {
    const parsed = parseJson('{"A":1e999,"B":-1.5E+400,"C":1e-999,"D":0e-999,"E":1e300}', mode);
    assertEquals(parsed, {
      A: new JsonNumber("1e999"),
      B: new JsonNumber("-1.5E+400"),
      C: new JsonNumber("1e-999"),
      D: 0,
      E: 1e300,
    });
    assertEquals(
      stringifyJson(parsed),
      '{"A":1e999,"B":-1.5E+400,"C":1e-999,"D":0,"E":1e+300}',
    );
  }
  assertEquals(JSON.stringify([new JsonNumber("1e999")]), "[1e999]");
});
