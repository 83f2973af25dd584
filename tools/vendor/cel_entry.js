// What tcflow uses of npm `@marcbachmann/cel-js`, bundled into lib/vendor/cel.js (one copy of
// each class, so `UnsignedInt` of the evaluator is the parser's).
export { Environment, ParseError } from "../../node_modules/@marcbachmann/cel-js/lib/index.js";
export { UnsignedInt } from "../../node_modules/@marcbachmann/cel-js/lib/evaluator.js";
