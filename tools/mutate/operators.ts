/**
 * Mutation operators: the small, realistic bugs `deno task mutate` plants, one at a time.
 * Pure: source text in, a list of mutants (a text range and its replacement) out. Parsing uses
 * the `typescript` npm package's parser; type positions, imports and exports are never mutated.
 *
 * A mutant's id does not depend on line numbers: it is the enclosing function's name, the
 * operator, the original text and an occurrence count, so an edit elsewhere in the file keeps
 * the ids (and the checked-in verdicts about survivors) valid.
 *
 * @module
 */
import ts from "typescript";

/** The kinds of planted bugs. */
export type Operator =
  | "boundary" // < ↔ <=, > ↔ >=
  | "comparison" // === ↔ !==, < ↔ >=, ...
  | "negate-condition" // if (c) → if (!(c))
  | "remove-negation" // !x → x
  | "logical" // && ↔ ||, ?? → ||
  | "arithmetic" // + ↔ -, * ↔ /
  | "constant" // true ↔ false, n → n + 1, 0 → 1
  | "remove-statement" // a call statement removed
  | "remove-await" // await x → x
  | "early-return" // return; first in a function that returns nothing
  | "remove-field"; // a property of an object literal removed

/** One planted bug. */
export interface Mutant {
  /** Stable id: `function/operator/original→replacement#k`. */
  id: string;
  operator: Operator;
  /** 1-based line and column of the changed text. */
  line: number;
  column: number;
  /** Character offsets of the replaced range. */
  start: number;
  end: number;
  /** The text replaced, and what replaces it. */
  original: string;
  replacement: string;
}

const FLIPS: Record<string, [Operator, string][]> = {
  "<": [["boundary", "<="], ["comparison", ">="]],
  "<=": [["boundary", "<"], ["comparison", ">"]],
  ">": [["boundary", ">="], ["comparison", "<="]],
  ">=": [["boundary", ">"], ["comparison", "<"]],
  "===": [["comparison", "!=="]],
  "!==": [["comparison", "==="]],
  "==": [["comparison", "!="]],
  "!=": [["comparison", "=="]],
  "&&": [["logical", "||"]],
  "||": [["logical", "&&"]],
  "??": [["logical", "||"]],
  "+": [["arithmetic", "-"]],
  "-": [["arithmetic", "+"]],
  "*": [["arithmetic", "/"]],
  "/": [["arithmetic", "*"]],
};

/** Applies a mutant to the source it was made from. */
export function applyMutant(source: string, mutant: Mutant): string {
  return source.slice(0, mutant.start) + mutant.replacement + source.slice(mutant.end);
}

/** Every mutant of a TypeScript source, in source order. */
export function findMutants(fileName: string, source: string): Mutant[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const out: Mutant[] = [];
  const seen = new Map<string, number>();
  const add = (
    node: ts.Node,
    operator: Operator,
    range: { start: number; end: number },
    replacement: string,
  ) => {
    const original = source.slice(range.start, range.end);
    const short = (s: string) => s.replace(/\s+/g, " ").slice(0, 60);
    const base = `${enclosingName(node)}/${operator}/${short(original)}→${short(replacement)}`;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    const pos = file.getLineAndCharacterOfPosition(range.start);
    out.push({
      id: `${base}#${k}`,
      operator,
      line: pos.line + 1,
      column: pos.character + 1,
      start: range.start,
      end: range.end,
      original,
      replacement,
    });
  };
  const whole = (node: ts.Node) => ({ start: node.getStart(file), end: node.getEnd() });

  const visit = (node: ts.Node): void => {
    if (skipped(node)) return;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken;
      for (const [operator, to] of FLIPS[op.getText(file)] ?? []) {
        if (operator === "arithmetic" && !numeric(node)) continue;
        add(op, operator, whole(op), to);
      }
    } else if (
      ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken
    ) {
      add(node, "remove-negation", whole(node), node.operand.getText(file));
    } else if (ts.isIfStatement(node)) {
      const c = node.expression;
      add(c, "negate-condition", whole(c), `!(${c.getText(file)})`);
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      add(node, "constant", whole(node), "false");
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      add(node, "constant", whole(node), "true");
    } else if (ts.isNumericLiteral(node)) {
      const n = Number(node.text);
      if (Number.isFinite(n)) add(node, "constant", whole(node), String(n === 0 ? 1 : n + 1));
    } else if (ts.isAwaitExpression(node)) {
      add(node, "remove-await", whole(node), `(${node.expression.getText(file)})`);
    } else if (ts.isExpressionStatement(node) && removable(node)) {
      add(node, "remove-statement", whole(node), "");
    } else if (ts.isObjectLiteralExpression(node)) {
      const props = node.properties;
      props.forEach((p, i) => {
        const next = props[i + 1];
        add(
          p,
          "remove-field",
          { start: p.getStart(file), end: next?.getStart(file) ?? p.getEnd() },
          "",
        );
      });
    }
    if (isFunctionWithBody(node) && !returnsValue(node.body)) {
      const body = node.body;
      if (body.statements.length > 0) {
        const at = body.getStart(file) + 1;
        add(body, "early-return", { start: at, end: at }, " return;");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

/** Nodes whose insides are never mutated: types, imports, exports lists, declarations. */
function skipped(node: ts.Node): boolean {
  return ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node) ||
    ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node) ||
    (ts.canHaveModifiers(node) &&
      (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword));
}

/** A statement whose removal is a plausible bug: a call, an assignment, a `++`. */
function removable(node: ts.ExpressionStatement): boolean {
  const e = node.expression;
  if (ts.isStringLiteral(e)) return false; // "use strict"
  return ts.isCallExpression(e) || ts.isAwaitExpression(e) || ts.isBinaryExpression(e) ||
    ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e) || ts.isDeleteExpression(e);
}

/** Arithmetic operators are flipped only where one side is a number literal (not a string +). */
function numeric(node: ts.BinaryExpression): boolean {
  return [node.left, node.right].some((side) =>
    ts.isNumericLiteral(side) ||
    (ts.isPrefixUnaryExpression(side) && ts.isNumericLiteral(side.operand))
  ) || ["*", "/"].includes(node.operatorToken.getText());
}

type FunctionWithBody = ts.FunctionLikeDeclaration & { body: ts.Block };

function isFunctionWithBody(node: ts.Node): node is FunctionWithBody {
  return (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) ||
    ts.isFunctionExpression(node) || ts.isArrowFunction(node)) &&
    node.body !== undefined && ts.isBlock(node.body) &&
    node.asteriskToken === undefined; // a generator's early return changes nothing visible
}

/** Whether a function body returns a value somewhere (then `return;` is not a plain bug). */
function returnsValue(body: ts.Block): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (n !== body && ts.isFunctionLike(n))) return;
    if (ts.isReturnStatement(n) && n.expression !== undefined) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/** The name of the function (or class member) a node sits in, for stable ids. */
function enclosingName(node: ts.Node): string {
  const names: string[] = [];
  for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) {
    const named = n as { name?: ts.Node };
    if (
      (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isVariableDeclaration(n) ||
        ts.isPropertyAssignment(n)) && named.name !== undefined && ts.isIdentifier(named.name)
    ) names.unshift(named.name.text);
  }
  return names.join(".") || "(module)";
}
