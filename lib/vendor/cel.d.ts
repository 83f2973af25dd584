// The types of lib/vendor/cel.js: those of the npm package it was bundled from, and of the
// parser factory of its entry (tools/vendor/cel_entry.js; the package's types omit `Parser`).
import type { ASTNode, EnvironmentOptions } from "npm:@marcbachmann/cel-js@8.0.0";
export { ParseError } from "npm:@marcbachmann/cel-js@8.0.0";
export { UnsignedInt } from "npm:@marcbachmann/cel-js@8.0.0/evaluator";

/** cel-js's parser: `parse` returns the AST or throws a `ParseError`. */
export interface CelParser {
  parse(expression: string): ASTNode;
}

/** A parser with `options` (as `new Environment(options)` takes them) and cel-js's macros. */
export function createCelParser(options?: EnvironmentOptions): CelParser;
