/**
 * Makes `JSON.stringify` write a `bigint` as its exact digits (PRODUCT.md section 16: results
 * of `runWorkflow()` and of the typed client go through `JSON.stringify` unchanged and exact,
 * 64-bit integers included). Results hold Tencent Cloud's `Integer` as `bigint`, which
 * `JSON.stringify` otherwise refuses ("Do not know how to serialize a BigInt").
 *
 * Importing this module gives `BigInt.prototype` a non-enumerable `toJSON` returning
 * `JSON.rawJSON(digits)`, only when no `toJSON` is defined yet (a script's own choice wins).
 * `mod.ts` imports it; the CLI does not need it (it writes JSON with `stringifyJson`).
 *
 * @example
 * ```ts
 * import "./bigint_json.ts";
 * console.log(JSON.stringify({ id: 18446744073709551615n })); // {"id":18446744073709551615}
 * ```
 *
 * @module
 */

/** `JSON.rawJSON` (ES2025), not yet in TypeScript's lib. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

if (!Object.hasOwn(BigInt.prototype, "toJSON")) {
  Object.defineProperty(BigInt.prototype, "toJSON", {
    value: function toJSON(this: bigint): unknown {
      return rawJson(BigInt.prototype.toString.call(this));
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
