/**
 * The JSON Schema of workflow files (`tcflow schema`), for editors: with the YAML language
 * server, `action:` completes from the catalog and each action's `with:` block knows its
 * parameters, their types, which are required, and their documentation.
 *
 * Every typed value also accepts a `${{ … }}` expression, whose type only `tcflow validate`
 * can check.
 *
 * @module
 */
import { catalogIndex, isScalarType, parseTypeName, serviceVersion } from "../catalog/catalog.ts";
import type { Field, ServiceVersion } from "../catalog/types.ts";
import { pagingParams } from "../catalog/pager.ts";
import { clouds } from "../catalog/clouds.ts";

/** A JSON Schema document, as a plain object. */
export type Schema = Record<string, unknown>;

/** Options of {@link workflowJsonSchema}. */
export interface JsonSchemaOptions {
  /** Only these services (default: every service of the catalog, newest version each). */
  services?: string[];
}

const EXPR: Schema = {
  type: "string",
  pattern: "^\\s*\\$\\{\\{[\\s\\S]*\\}\\}\\s*$",
  description: "A CEL expression in ${{ }}",
};
const DURATION: Schema = {
  anyOf: [{ type: "string", pattern: "^(\\d+(ms|s|m|h|d))+$" }, { $ref: "#/definitions/expr" }],
  description: "A duration such as 500ms, 5s, 10m, 1h30m",
};
const RETRY: Schema = {
  type: "object",
  additionalProperties: false,
  properties: {
    attempts: { type: "integer", minimum: 1, maximum: 100 },
    delay: { $ref: "#/definitions/duration" },
    max_delay: { $ref: "#/definitions/duration" },
    multiplier: { type: "number", minimum: 1 },
    jitter: { enum: ["full", "equal", "none"] },
    on: { type: "array", items: { type: "string" }, description: "Extra error codes to retry" },
  },
};
const INPUT: Schema = {
  type: "object",
  additionalProperties: false,
  properties: {
    type: { enum: ["string", "integer", "number", "boolean", "list", "map", "any"] },
    description: { type: "string" },
    default: {},
    required: { type: "boolean" },
    secret: { type: "boolean", description: "Never printed, never journaled in clear" },
  },
};

/**
 * Builds the JSON Schema (draft-07) of workflow files.
 *
 * @example
 * ```ts
 * import { workflowJsonSchema } from "./json_schema.ts";
 * const schema = workflowJsonSchema({ services: ["trocket"] });
 * ```
 */
export function workflowJsonSchema(options: JsonSchemaOptions = {}): Schema {
  const index = catalogIndex();
  const services = options.services ?? Object.keys(index.services);
  const definitions: Record<string, Schema> = {
    expr: EXPR,
    duration: DURATION,
    retry: RETRY,
    input: INPUT,
    value: { description: "A literal, or a ${{ }} expression" },
  };
  const actionNames: string[] = [];
  const withRules: Schema[] = [];
  for (const service of services) {
    const sv = serviceVersion(service);
    if (sv === undefined) continue;
    addStructures(sv, definitions);
    for (const spec of Object.values(sv.actions)) {
      const name = `${service}.${spec.name}`;
      actionNames.push(name);
      // `paginate: true` fills the page fields, so a step need not give them.
      const paging = spec.pagination ? pagingParams(spec.pagination) : [];
      const inputs = spec.inputs.map((f) =>
        paging.includes(f.name) ? { ...f, required: false } : f
      );
      definitions[`action:${name}`] = objectSchema(sv, inputs, spec.doc);
      withRules.push({
        if: {
          properties: { action: { enum: [name, `tencentcloud/${name}`] } },
          required: ["action"],
        },
        then: { properties: { with: { $ref: `#/definitions/action:${name}` } } },
      });
    }
  }
  const call: Schema = {
    action: {
      anyOf: [
        { enum: actionNames },
        {
          type: "string",
          pattern: `^(${clouds().map((p) => `${p.name}/`).join("|")})?[a-z0-9-]+\\.[A-Za-z0-9]+$`,
        },
      ],
      description: "service.Action, e.g. trocket.DescribeTopicList",
    },
    version: { type: "string", description: "Pin an API version, e.g. 2023-03-08" },
    region: { type: "string" },
    with: { type: "object" },
    untyped: { type: "boolean", description: "Call an action the catalog does not know" },
  };
  definitions.undo = {
    type: "object",
    required: ["action"],
    additionalProperties: false,
    properties: call,
    allOf: withRules,
  };
  definitions.step = {
    type: "object",
    required: ["id"],
    properties: {
      id: { type: "string", pattern: "^[a-z][a-z0-9_]*$" },
      doc: { type: "string", description: "Markdown prose of the notebook cell" },
      when: { $ref: "#/definitions/expr" },
      ...call,
      foreach: { anyOf: [{ type: "array" }, { $ref: "#/definitions/expr" }] },
      concurrency: { type: "integer", minimum: 1 },
      paginate: { type: "boolean" },
      until: { $ref: "#/definitions/expr" },
      poll: {
        type: "object",
        additionalProperties: false,
        properties: {
          interval: { $ref: "#/definitions/duration" },
          timeout: { $ref: "#/definitions/duration" },
        },
      },
      retry: { $ref: "#/definitions/retry" },
      timeout: { $ref: "#/definitions/duration" },
      on_error: { enum: ["fail", "continue"] },
      undo: { $ref: "#/definitions/undo" },
      set: { type: "object" },
      assert: { anyOf: [{ type: "boolean" }, { $ref: "#/definitions/expr" }] },
      message: { type: "string" },
    },
    additionalProperties: false,
    oneOf: [{ required: ["action"] }, { required: ["set"] }, { required: ["assert"] }],
    allOf: withRules,
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://github.com/tcflow/tcflow/schema/workflow-v1.json",
    title: "tcflow workflow (format version 1)",
    type: "object",
    required: ["tcflow", "name", "steps"],
    additionalProperties: false,
    properties: {
      tcflow: { const: 1, description: "Format version" },
      name: { type: "string" },
      description: { type: "string" },
      region: { type: "string", description: "Default region of every step, e.g. ap-guangzhou" },
      inputs: { type: "object", additionalProperties: { $ref: "#/definitions/input" } },
      defaults: {
        type: "object",
        additionalProperties: false,
        properties: {
          retry: { $ref: "#/definitions/retry" },
          timeout: { $ref: "#/definitions/duration" },
        },
      },
      schedule: {
        type: "string",
        description: "Cron (5 fields) for `tcflow schedule`, in `timezone` (default UTC)",
      },
      timezone: {
        type: "string",
        description: "IANA time zone of `schedule` (e.g. Asia/Shanghai); default UTC",
      },
      on_failure: {
        description:
          "When a scheduled run fails: a webhook URL (POST of the run summary), or {webhook | command, retries, backoff}",
        oneOf: [
          { type: "string", pattern: "^https?://" },
          {
            type: "object",
            additionalProperties: false,
            properties: {
              webhook: { type: "string", pattern: "^https?://" },
              command: { type: "array", items: { type: "string" }, minItems: 1 },
              retries: { type: "integer", minimum: 0, maximum: 10 },
              backoff: { $ref: "#/definitions/duration" },
            },
          },
        ],
      },
      env: {
        type: "array",
        items: { type: "string" },
        description: "Variables readable as env.NAME",
      },
      rollback: { enum: ["on_failure", "manual"] },
      steps: { type: "array", items: { $ref: "#/definitions/step" } },
      outputs: { type: "object" },
    },
    definitions,
  };
}

function addStructures(sv: ServiceVersion, definitions: Record<string, Schema>): void {
  for (const structure of Object.values(sv.structures)) {
    definitions[structureRef(sv, structure.name)] = objectSchema(
      sv,
      structure.fields,
      structure.doc,
    );
  }
}

function structureRef(sv: ServiceVersion, name: string): string {
  return `${sv.service}@${sv.version}:${name}`;
}

function objectSchema(sv: ServiceVersion, fields: Field[], doc: string | undefined): Schema {
  const properties: Record<string, Schema> = {};
  for (const field of fields) properties[field.name] = fieldSchema(sv, field);
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    anyOf: [
      {
        type: "object",
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
        ...(doc ? { description: doc } : {}),
      },
      { $ref: "#/definitions/expr" },
    ],
  };
}

function fieldSchema(sv: ServiceVersion, field: Field): Schema {
  const { base, depth } = parseTypeName(field.type);
  let schema: Schema = isScalarType(base)
    ? scalarSchema(base, field)
    : sv.structures[base] !== undefined
    ? { $ref: `#/definitions/${structureRef(sv, base)}` }
    : {};
  for (let i = 0; i < depth; i++) {
    schema = { anyOf: [{ type: "array", items: schema }, { $ref: "#/definitions/expr" }] };
  }
  const description = [field.type, field.doc].filter(Boolean).join(": ");
  return { ...schema, description };
}

function scalarSchema(base: string, field: Field): Schema {
  const typed: Schema = (() => {
    switch (base) {
      case "Integer":
        return { type: "integer" };
      case "Float":
      case "Number":
        return { type: "number" };
      case "Boolean":
        return { type: "boolean" };
      case "Any":
        return {};
      default:
        return { type: "string" };
    }
  })();
  if (field.enum) typed.enum = field.enum;
  // Documented bounds of a number (Huawei's `min`/`max` of a string are its length).
  if (typed.type === "integer" || typed.type === "number") {
    if (field.min !== undefined) typed.minimum = field.min;
    if (field.max !== undefined) typed.maximum = field.max;
  }
  // An enumerated string may still be an expression (`${{ … }}`).
  if ((base === "String" && !field.enum) || base === "Any") return typed;
  return { anyOf: [typed, { $ref: "#/definitions/expr" }] };
}
