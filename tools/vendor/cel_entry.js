// What tcflow uses of npm `@marcbachmann/cel-js`, bundled into lib/vendor/cel.js: its parser
// with the macros (`has`, `all`, `exists`, `map` …), and nothing of its standard library or
// evaluator (tcflow type-checks and evaluates CEL itself, lib/expr/), so that loading it
// builds no function registry (lib/expr/_parse.ts, `createCelParser`).
import { Parser } from "../../node_modules/@marcbachmann/cel-js/lib/parser.js";
import { createRegistry } from "../../node_modules/@marcbachmann/cel-js/lib/registry.js";
import { registerMacros } from "../../node_modules/@marcbachmann/cel-js/lib/macros.js";
import { createOptions } from "../../node_modules/@marcbachmann/cel-js/lib/options.js";

export { ParseError } from "../../node_modules/@marcbachmann/cel-js/lib/errors.js";
export { UnsignedInt } from "../../node_modules/@marcbachmann/cel-js/lib/functions.js";

/** A cel-js parser with `options` (as `new Environment(options)` takes them) and the macros. */
export function createCelParser(options) {
  const opts = createOptions(options);
  const registry = createRegistry({ enableOptionalTypes: opts.enableOptionalTypes });
  registerMacros(registry);
  return new Parser(opts.limits, registry);
}
