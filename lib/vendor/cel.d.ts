// The types of lib/vendor/cel.js: those of the npm package it was bundled from.
export { Environment, ParseError } from "npm:@marcbachmann/cel-js@8.0.0";
export { UnsignedInt } from "npm:@marcbachmann/cel-js@8.0.0/evaluator";
