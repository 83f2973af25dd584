/**
 * Validation: checks a parsed workflow against the action catalog and the expression type
 * system before anything is sent (PRODUCT.md §4). Every problem is reported at once.
 *
 * @module
 */
import {
  actionLabelOf,
  actionSuggestionAnyCloud,
  cloudByName,
  clouds,
  findActionAnyCloud,
  serviceOfRef,
  serviceSuggestionAnyCloud,
  serviceVersionAnyCloud,
  versionsAnyCloud,
} from "../catalog/clouds.ts";
import { suggest } from "../catalog/suggest.ts";
import type { ActionSpec } from "../catalog/types.ts";
import { checkExpr } from "../expr/check.ts";
import {
  catalogType,
  commonType,
  type ExprType,
  listOf,
  mapOf,
  objectOf,
  T,
  typeToString,
} from "../expr/types.ts";
import type { Diagnostic, DiagnosticCode } from "./diagnostic.ts";
import type { ActionStep, CallSpec, InputType, Pos, Step, ValueNode, Workflow } from "./model.ts";
import { exprPos } from "./position.ts";
import { checkParams } from "./_params.ts";
import { pagingParams } from "../catalog/pager.ts";

/** Options of {@link validateWorkflow}. */
export interface ValidateOptions {
  /** Steps the parser could not model (see `ParseResult.brokenStepIds`): typed `dyn`. */
  brokenStepIds?: readonly string[];
}

const STEP_ID = /^[a-z][a-z0-9_]*$/;
const MAX_ID_LENGTH = 64;

/**
 * Checks a workflow: ids, actions, versions and parameters against the catalog, value and
 * expression types, references to steps (unknown, below, missing fields), `env` names,
 * `paginate`, `until`/`when`/`assert` booleans, `foreach` lists and `undo` calls.
 *
 * @example
 * ```ts
 * import { parseWorkflow } from "./parse.ts";
 * import { validateWorkflow } from "./validate.ts";
 * const { workflow } = parseWorkflow("tcflow: 1\nname: x\nsteps: []\n", "x.yaml");
 * if (workflow) validateWorkflow(workflow); // diagnostics, [] when valid
 * ```
 */
export function validateWorkflow(wf: Workflow, options: ValidateOptions = {}): Diagnostic[] {
  return new Validator(wf, options).run();
}

/**
 * The static type of `steps.<id>.outputs` of `step`: the action's response object (a list
 * of them with `foreach`), the `set` values' types, `dyn` for untyped or unknown actions.
 */
export function stepOutputType(wf: Workflow, step: Step): ExprType {
  return new Validator(wf, {}).outputType(step);
}

/** Expression names and their types for one place of the workflow. */
type Scope = Record<string, ExprType>;

class Validator {
  readonly diagnostics: Diagnostic[] = [];
  readonly #outputs = new Map<Step, ExprType>();
  readonly #specs = new Map<CallSpec, ActionSpec | null>();
  readonly #broken: ReadonlySet<string>;
  #stepIndex: Map<string, number> | undefined;
  readonly #stepFields = new Map<Step, ExprType>();
  #quiet = 0;

  constructor(readonly wf: Workflow, options: ValidateOptions) {
    this.#broken = new Set(options.brokenStepIds ?? []);
  }

  run(): Diagnostic[] {
    this.checkIds();
    this.wf.steps.forEach((step, index) => this.checkStep(step, index));
    const scope = this.scope(this.wf.steps.length, undefined);
    for (const output of this.wf.outputs) this.typeOf(output.value, scope);
    return this.diagnostics;
  }

  report(code: DiagnosticCode, message: string, pos: Pos, severity: "error" | "warning" = "error") {
    if (this.#quiet > 0) return;
    this.diagnostics.push({
      code,
      message,
      file: this.wf.file,
      line: pos.line,
      column: pos.column,
      severity,
      length: pos.length,
    });
  }

  private checkIds(): void {
    const seen = new Map<string, Pos>();
    for (const step of this.wf.steps) {
      if (!STEP_ID.test(step.id) || step.id.length > MAX_ID_LENGTH) {
        this.report(
          "E_BAD_ID",
          `bad step id \`${step.id}\`: ids are lower case letters, digits and _, starting with a letter` +
            (step.id.length > MAX_ID_LENGTH ? ` (at most ${MAX_ID_LENGTH} characters)` : ""),
          step.idPos,
        );
      }
      const first = seen.get(step.id);
      if (first !== undefined) {
        this.report(
          "E_DUPLICATE_ID",
          `duplicate step id \`${step.id}\` (first used at line ${first.line})`,
          step.idPos,
        );
      } else seen.set(step.id, step.idPos);
    }
  }

  // ---------------------------------------------------------------- scopes

  /**
   * The names in scope for expressions of the step at `index`: steps above it (and the step
   * itself when `self` is given, for `until` and `undo`), `item`/`index` inside `foreach`.
   */
  scope(index: number, self: Step | undefined, item?: ExprType): Scope {
    const scope: Scope = {
      inputs: this.inputsType(),
      steps: this.stepsType(index, self),
      run: objectOf("run", { id: T.string }),
      env: this.envType(),
      // The time the run started (PRODUCT.md section 16), the same in every expression of a run.
      now: T.timestamp,
    };
    if (item !== undefined) {
      scope.item = item;
      scope.index = T.int;
    }
    return scope;
  }

  private inputsType(): ExprType {
    const fields: Record<string, ExprType> = {};
    for (const input of this.wf.inputs) fields[input.name] = inputType(input.type);
    return objectOf("inputs", fields, (name) => {
      const hint = suggest(name, Object.keys(fields));
      return `no input \`${name}\` is declared under \`inputs:\`${
        hint ? `; did you mean \`${hint}\`?` : ""
      }`;
    });
  }

  private envType(): ExprType {
    const fields = Object.fromEntries(this.wf.env.map((name) => [name, T.string]));
    return objectOf(
      "env",
      fields,
      (name) =>
        `\`env.${name}\` is not in the workflow's \`env:\` allow-list` +
        (this.wf.env.length > 0 ? ` (${this.wf.env.join(", ")})` : ""),
    );
  }

  /** Index of each step id (its first occurrence), built once: scopes are O(1) per lookup. */
  #indexById(): Map<string, number> {
    if (this.#stepIndex === undefined) {
      this.#stepIndex = new Map();
      this.wf.steps.forEach((step, i) => {
        if (!this.#stepIndex!.has(step.id)) this.#stepIndex!.set(step.id, i);
      });
    }
    return this.#stepIndex;
  }

  /** `steps.<id>` type, shared by every scope that can see the step. */
  #stepFieldType(step: Step): ExprType {
    let t = this.#stepFields.get(step);
    if (t === undefined) {
      t = objectOf(`steps.${step.id}`, {
        outputs: this.outputType(step),
        status: T.string,
        request_id: T.string,
      });
      this.#stepFields.set(step, t);
    }
    return t;
  }

  private stepsType(index: number, self: Step | undefined): ExprType {
    const steps = this.wf.steps;
    const indexById = this.#indexById();
    const limit = Math.min(index, steps.length);
    const current = steps[index]?.id;
    /** The visible step of that id: a step above, or the step itself for `undo`/`until`. */
    const visible = (name: string): Step | undefined => {
      if (self !== undefined && name === self.id) return self;
      const i = indexById.get(name);
      return i !== undefined && i < limit ? steps[i] : undefined;
    };
    const isLater = (name: string): boolean => {
      const i = indexById.get(name);
      return i !== undefined && i >= index;
    };
    const names = (): string[] => {
      const out = new Set<string>();
      for (let i = 0; i < limit; i++) out.add(steps[i]!.id);
      if (self) out.add(self.id);
      return [...out];
    };
    return {
      kind: "object" as const,
      name: "steps",
      field: (name: string): ExprType | undefined => {
        if (this.#broken.has(name) && !isLater(name)) return T.dyn;
        const step = visible(name);
        return step === undefined ? undefined : this.#stepFieldType(step);
      },
      fieldNames: names,
      missing: (name: string): string | undefined => {
        if (name === current && visible(name) === undefined) {
          return `step \`${name}\` cannot use its own outputs here: they are known only after it runs`;
        }
        if (isLater(name) && visible(name) === undefined) {
          return `step \`${name}\` runs after this one`;
        }
        const hint = suggest(name, names());
        return `unknown step \`${name}\`${hint ? `; did you mean \`${hint}\`?` : ""}`;
      },
    };
  }

  // ---------------------------------------------------------------- outputs

  /** The type of `steps.<id>.outputs` of a step (cached). */
  outputType(step: Step): ExprType {
    const cached = this.#outputs.get(step);
    if (cached !== undefined) return cached;
    this.#outputs.set(step, T.dyn); // guards against cycles while computing
    let type: ExprType;
    if (step.kind === "action") {
      const spec = this.spec(step, false);
      let response: ExprType = T.dyn;
      if (spec) {
        const fields = new Map(spec.outputs.map((field) => [field.name, field.type]));
        const resolved = new Map<string, ExprType>();
        response = {
          kind: "object",
          name: `${spec.service}.${spec.name} response`,
          field: (name) => {
            const typeName = fields.get(name);
            if (typeName === undefined) return undefined;
            let t = resolved.get(name);
            if (t === undefined) {
              t = catalogType(spec.service, spec.version, typeName);
              resolved.set(name, t);
            }
            return t;
          },
          fieldNames: () => [...fields.keys()],
        };
      }
      type = step.foreach !== undefined ? listOf(response) : response;
    } else if (step.kind === "set") {
      const index = this.wf.steps.indexOf(step);
      const scope = this.scope(index < 0 ? this.wf.steps.length : index, undefined);
      const fields: Record<string, ExprType> = {};
      this.#quiet++;
      try {
        for (const entry of step.set.entries) fields[entry.key] = this.typeOf(entry.value, scope);
      } finally {
        this.#quiet--;
      }
      type = objectOf(`steps.${step.id}.outputs`, fields);
    } else {
      type = objectOf(`steps.${step.id}.outputs`, {});
    }
    this.#outputs.set(step, type);
    return type;
  }

  // ---------------------------------------------------------------- values

  /** The static type of a value; reports the problems of its expressions. */
  typeOf(node: ValueNode, scope: Scope): ExprType {
    switch (node.kind) {
      case "literal": {
        const v = node.value;
        if (v === null) return T.null;
        if (typeof v === "bigint") return T.int;
        if (typeof v === "number") return T.double;
        if (typeof v === "boolean") return T.bool;
        return T.string;
      }
      case "expr":
        return this.expr(node.expr, scope);
      case "template":
        for (const part of node.parts) if (typeof part !== "string") this.expr(part, scope);
        return T.string;
      case "list": {
        let elem: ExprType | undefined;
        for (const item of node.items) {
          const t = this.typeOf(item, scope);
          elem = elem === undefined ? t : commonType(elem, t) ?? T.dyn;
        }
        return listOf(elem ?? T.dyn);
      }
      case "map": {
        const fields: Record<string, ExprType> = {};
        for (const entry of node.entries) fields[entry.key] = this.typeOf(entry.value, scope);
        return objectOf("map", fields);
      }
    }
  }

  private expr(part: { source: string; pos: Pos }, scope: Scope): ExprType {
    if (part.source === "") return T.dyn; // reported by the parser
    const { type, problems } = checkExpr(part.source, scope);
    for (const problem of problems) {
      const name = part.source.slice(problem.offset, problem.offset + problem.length);
      const outsideForeach = problem.code === "E_REF" && (name === "item" || name === "index") &&
        !(name in scope);
      this.report(
        problem.code,
        outsideForeach
          ? `\`${name}\` is only defined in the \`with\`, \`until\` and \`undo\` of a step with \`foreach\``
          : problem.message,
        exprPos(this.wf.source, part, problem.offset, problem.length),
      );
    }
    return type;
  }

  /** Checks that a value is a boolean (`when`, `until`, `assert`). */
  private expectBool(node: ValueNode, scope: Scope, what: string): void {
    const t = this.typeOf(node, scope);
    if (t.kind === "bool" || t.kind === "dyn") return;
    this.report(
      "E_TYPE",
      `\`${what}\` must be a boolean, got ${node.kind === "expr" ? `an expression of type ` : ""}${
        typeToString(t)
      }`,
      node.kind === "expr" ? node.expr.pos : node.pos,
    );
  }

  // ---------------------------------------------------------------- steps

  private checkStep(step: Step, index: number): void {
    const scope = this.scope(index, undefined);
    if (step.when !== undefined) this.expectBool(step.when, scope, "when");
    if (step.kind === "set") {
      for (const entry of step.set.entries) this.typeOf(entry.value, scope);
      return;
    }
    if (step.kind === "assert") {
      this.expectBool(step.assert, scope, "assert");
      return;
    }
    this.checkActionStep(step, index, scope);
  }

  private checkActionStep(step: ActionStep, index: number, scope: Scope): void {
    let item: ExprType | undefined;
    if (step.foreach !== undefined) {
      const t = this.typeOf(step.foreach, scope);
      if (t.kind === "list") item = t.elem;
      else if (t.kind === "dyn") item = T.dyn;
      else if (t.kind === "map") item = t.key;
      else {
        item = T.dyn;
        this.report(
          "E_TYPE",
          `\`foreach\` must be a list, got ${
            step.foreach.kind === "expr" ? "an expression of type " : ""
          }${typeToString(t)}`,
          step.foreach.kind === "expr" ? step.foreach.expr.pos : step.foreach.pos,
        );
      }
    }
    const inner = item === undefined ? scope : this.scope(index, undefined, item);
    const spec = this.checkCall(step, inner);
    if (step.paginate && spec !== undefined && spec !== null && spec.pagination === undefined) {
      this.report(
        "E_NOT_PAGEABLE",
        `\`paginate: true\` needs an action that pages; ${spec.service}.${spec.name} ${
          spec.notPageable === undefined
            ? "takes no paging parameter (Offset, PageNumber, NextToken …)"
            : `cannot page: ${spec.notPageable}`
        }`,
        step.action.pos,
      );
    }
    if (step.until !== undefined) {
      this.expectBool(step.until, this.scope(index, step, item), "until");
    }
    if (step.undo !== undefined) this.checkCall(step.undo, this.scope(index, step, item));
  }

  /**
   * Checks a call (an action step or an `undo` block): action, version, region and `with`.
   * Returns the action's spec, `null` when untyped or unknown.
   */
  private checkCall(call: CallSpec, scope: Scope): ActionSpec | null | undefined {
    if (call.region !== undefined) {
      const t = this.typeOf(call.region, scope);
      if (t.kind !== "string" && t.kind !== "dyn") {
        this.report(
          "E_TYPE",
          `\`region\` must be a string, got ${typeToString(t)}`,
          call.region.pos,
        );
      }
    }
    const spec = this.spec(call, true);
    if (spec === null) {
      for (const entry of call.with.entries) this.typeOf(entry.value, scope);
      return null;
    }
    if (spec.deprecated !== undefined) {
      this.report(
        "W_DEPRECATED",
        `${spec.service}.${spec.name} is offline or deprecated; its documentation says: ${spec.deprecated}`,
        call.action.pos,
        "warning",
      );
    }
    const filled = new Set<string>();
    if (spec.clientToken) filled.add("ClientToken");
    if ("paginate" in call && (call as ActionStep).paginate && spec.pagination) {
      for (const path of pagingParams(spec.pagination)) filled.add(path);
    }
    checkParams(
      {
        service: spec.service,
        version: spec.version,
        actionName: `${spec.service}.${spec.name}`,
        report: (code, message, pos) => this.report(code, message, pos),
        warn: (code, message, pos) => this.report(code, message, pos, "warning"),
        typeOf: (node) => this.typeOf(node, scope),
        filledPaths: filled,
      },
      call.with.entries,
      spec.inputs,
      { pos: call.with.entries.length > 0 ? call.with.pos : call.action.pos, filled },
    );
    return spec;
  }

  /** The catalog spec of a call, or `null` (untyped, unknown). Reports lookups when asked. */
  private spec(call: CallSpec, report: boolean): ActionSpec | null {
    const cached = this.#specs.get(call);
    if (cached !== undefined && !report) return cached;
    const spec = this.lookup(call, report);
    this.#specs.set(call, spec);
    return spec;
  }

  private lookup(call: CallSpec, report: boolean): ActionSpec | null {
    const say = report ? this.report.bind(this) : () => {};
    const ref = call.action;
    const service = serviceOfRef(ref);
    if (cloudByName(ref.provider) === undefined) {
      const known = clouds().map((p) => p.name).join(", ");
      say(
        "E_UNKNOWN_ACTION",
        `unknown cloud \`${ref.provider}\` in \`${ref.text}\` (known: ${known})`,
        ref.pos,
      );
      return null;
    }
    if (call.untyped) {
      if (call.version === undefined) {
        say(
          "E_UNKNOWN_VERSION",
          `an untyped call of \`${ref.text}\` needs \`version:\` (the API version to send)`,
          ref.pos,
        );
      }
      say(
        "W_UNTYPED",
        `\`${ref.text}\` is called untyped: its parameters and outputs are not checked`,
        ref.pos,
        "warning",
      );
      return null;
    }
    const untypedHint =
      "; to call an action the catalog does not know, add `untyped: true` and `version:`";
    const versions = serviceVersionAnyCloud(service);
    if (versions === undefined) {
      const hint = serviceSuggestionAnyCloud(service);
      say(
        "E_UNKNOWN_ACTION",
        `unknown service \`${ref.service}\`${
          hint ? `; did you mean \`${actionLabelOf({ ...ref, service: hint })}\`?` : untypedHint
        }`,
        ref.pos,
      );
      return null;
    }
    if (call.version !== undefined && serviceVersionAnyCloud(service, call.version) === undefined) {
      say(
        "E_UNKNOWN_VERSION",
        `unknown version \`${call.version}\` of ${ref.service} (the catalog has ${
          versionsAnyCloud(service).join(", ")
        })`,
        ref.pos,
      );
      return null;
    }
    const spec = findActionAnyCloud(service, ref.action, call.version);
    if (spec === undefined) {
      const elsewhere = call.version !== undefined &&
        findActionAnyCloud(service, ref.action) !== undefined;
      const hint = actionSuggestionAnyCloud(service, ref.action);
      say(
        "E_UNKNOWN_ACTION",
        elsewhere
          ? `${ref.service} ${call.version} has no action \`${ref.action}\` (a newer version has it)`
          : `unknown action \`${ref.action}\` of ${ref.service}${
            hint ? `; did you mean \`${actionLabelOf({ ...ref, action: hint })}\`?` : untypedHint
          }`,
        ref.pos,
      );
      return null;
    }
    return spec;
  }
}

/** The expression type of a declared input type. */
export function inputType(type: InputType): ExprType {
  switch (type) {
    case "string":
      return T.string;
    case "integer":
      return T.int;
    case "number":
      return T.number;
    case "boolean":
      return T.bool;
    case "list":
      return listOf(T.dyn);
    case "map":
      return mapOf(T.string, T.dyn);
    case "any":
      return T.dyn;
  }
}
