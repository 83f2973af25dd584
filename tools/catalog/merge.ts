/**
 * Merges a seed document into the service version built from the SDK.
 *
 * Rules (see the generator's module doc):
 * - Names: the SDK wins. A seed field is matched to an SDK field by exact name, else
 *   case-insensitively (`Instanceid` → `InstanceId`), else by one edit (`Instanceld` →
 *   `InstanceId`, the seed's `CreateTime` → the SDK's newer `CreatedTime`) when exactly one
 *   SDK field is that close. A seed field matching nothing is added (the seed documents it).
 * - Types: the seed refines the SDK's `Number` to `Integer`/`Float` and `String` to
 *   `Timestamp`, and types what the SDK leaves `Any`; any other disagreement keeps the SDK's.
 * - `required`: the seed's 必选 是/否 overrides the SDK for inputs and structure fields, and
 *   where the two disagree the field records both (`seedDiffers`, `validate` warns
 *   `W_SEED_DIFFERS`); outputs are required unless the seed says they may be `null`.
 * - An action the seed (or the SDK) says is offline or deprecated keeps those words
 *   (`deprecated`, `validate` warns `W_DEPRECATED`).
 * - Rate limits, error codes and Limit maxima come from the seed. Actions the SDK lacks are
 *   built from the seed alone (`source: "seed"`); others become `source: "sdk+seed"`.
 *
 * @module
 */

import type { ActionSpec, Field, ServiceVersion, Structure } from "../../lib/catalog/types.ts";
import { parseTypeName } from "../../lib/catalog/catalog.ts";
import { editDistance } from "../../lib/catalog/suggest.ts";
import { docSummary, docText, finishAction, offlineNote } from "./from_sdk.ts";
import type { RawDoc } from "./paging.ts";
import type { SeedAction, SeedDoc, SeedField } from "./seeds.ts";

/** A seed-to-SDK name correction made during a merge, for the generator's log and tests. */
export interface Rename {
  where: string;
  seed: string;
  sdk: string;
}

/** Finds the SDK field a seed field documents (see module doc), if any. */
export function matchField(fields: readonly Field[], seedName: string): Field | undefined {
  const exact = fields.find((f) => f.name === seedName);
  if (exact) return exact;
  const lower = seedName.toLowerCase();
  const ci = fields.filter((f) => f.name.toLowerCase() === lower);
  if (ci.length === 1) return ci[0];
  if (seedName.length < 6) return undefined;
  const close = fields.filter((f) => editDistance(f.name, seedName) === 1);
  return close.length === 1 ? close[0] : undefined;
}

/** The type a merged field gets from the SDK's and the seed's type. */
export function refineType(sdkType: string, seedType: string): string {
  if (sdkType === seedType) return sdkType;
  const a = parseTypeName(sdkType);
  const b = parseTypeName(seedType);
  if (a.base === "Any") return seedType;
  if (a.depth !== b.depth) return sdkType;
  if (a.base === "Number" && (b.base === "Integer" || b.base === "Float")) return seedType;
  if (a.base === "String" && b.base === "Timestamp") return seedType;
  return sdkType;
}

function fieldFromSeed(f: SeedField, output: boolean): Field {
  const field: Field = {
    name: f.name,
    type: f.type,
    required: output ? !f.nullable : (f.required ?? false),
  };
  const doc = docSummary(f.doc.replace(/\s*(注意[：:]|示例值[：:]).*$/, ""));
  if (doc) field.doc = doc;
  if (f.example !== undefined && f.example.length <= 80) field.example = f.example;
  return field;
}

/** Merges seed fields into SDK fields; returns a new list (SDK order, then seed-only fields). */
function mergeFields(
  sdkFields: readonly Field[],
  seedFields: readonly SeedField[],
  output: boolean,
  where: string,
  renames: Rename[],
  seedFile: string,
): Field[] {
  const result = sdkFields.map((f) => ({ ...f }));
  for (const sf of seedFields) {
    const target = matchField(result, sf.name);
    if (!target) {
      result.push(fieldFromSeed(sf, output));
      continue;
    }
    if (target.name !== sf.name) renames.push({ where, seed: sf.name, sdk: target.name });
    target.type = refineType(target.type, sf.type);
    if (output) target.required = !sf.nullable;
    else if (sf.required !== undefined) {
      // The seed's word is kept; a disagreement with the SDK is recorded for validate.
      if (sf.required !== target.required && !target.seedDiffers) {
        target.seedDiffers = {
          seedRequired: sf.required,
          sdkRequired: target.required,
          seed: `tools/seeds/${seedFile}`,
        };
      }
      target.required = sf.required;
    }
    if (target.doc === undefined) {
      const doc = fieldFromSeed(sf, output).doc;
      if (doc) target.doc = doc;
    }
    if (target.example === undefined && sf.example !== undefined && sf.example.length <= 80) {
      target.example = sf.example;
    }
  }
  return result;
}

/** Raw docs of a seed action's parameters and fields (`SeedAction` keeps them whole). */
function seedRawDoc(a: SeedAction): RawDoc {
  return (owner, field) =>
    owner === "request"
      ? a.inputs.find((f) => f.name === field)?.doc
      : owner === "response"
      ? a.outputs.find((f) => f.name === field)?.doc
      : undefined;
}

/**
 * Applies one seed to the SDK's service version (or to nothing, for a service the SDK
 * lacks). Returns a new service version; `renames` collects the seed names corrected.
 */
export function applySeed(
  sv: ServiceVersion | undefined,
  seed: SeedDoc,
  renames: Rename[] = [],
): ServiceVersion {
  const structures: Record<string, Structure> = { ...(sv?.structures ?? {}) };
  for (const ss of seed.structures.values()) {
    const existing = structures[ss.name];
    if (existing) {
      structures[ss.name] = {
        ...existing,
        fields: mergeFields(existing.fields, ss.fields, false, ss.name, renames, seed.file),
      };
    } else {
      const s: Structure = { name: ss.name, fields: ss.fields.map((f) => fieldFromSeed(f, false)) };
      const doc = docSummary(ss.doc);
      if (doc) s.doc = doc;
      structures[ss.name] = s;
    }
  }
  const sortedStructures: Record<string, Structure> = {};
  for (const name of Object.keys(structures).sort()) sortedStructures[name] = structures[name]!;

  const actions: Record<string, ActionSpec> = { ...(sv?.actions ?? {}) };
  for (const sa of seed.actions.values()) {
    const existing = actions[sa.name];
    const where = `${sa.name}`;
    const inputs = mergeFields(existing?.inputs ?? [], sa.inputs, false, where, renames, seed.file);
    const outputs = mergeFields(
      existing?.outputs ?? [],
      sa.outputs,
      true,
      where,
      renames,
      seed.file,
    );
    const spec = finishAction({
      service: seed.service,
      version: seed.version,
      name: sa.name,
      doc: existing?.doc ?? docSummary(sa.doc),
      description: existing?.description ?? docText(sa.doc),
      inputs,
      outputs,
      structures: sortedStructures,
      rawDoc: seedRawDoc(sa),
      source: existing ? "sdk+seed" : "seed",
      ...(sa.rateLimitPerS !== undefined
        ? { rateLimitPerS: sa.rateLimitPerS }
        : existing
        ? { rateLimitPerS: existing.rateLimitPerS }
        : {}),
      errors: sa.errors,
      deprecated: offlineNote(sa.doc) ?? existing?.deprecated,
    });
    if (spec.pagination && spec.pagination.maxLimit === undefined) {
      const sdkMax = existing?.pagination?.maxLimit;
      if (sdkMax !== undefined) spec.pagination.maxLimit = sdkMax;
    }
    // The SDK's comments are whole where a seed's table may be terse: keep its paging.
    if (spec.pagination === undefined && existing?.pagination !== undefined) {
      spec.pagination = existing.pagination;
      delete spec.notPageable;
    }
    actions[sa.name] = spec;
  }
  const sortedActions: Record<string, ActionSpec> = {};
  for (const name of Object.keys(actions).sort()) sortedActions[name] = actions[name]!;

  return {
    service: seed.service,
    version: seed.version,
    host: sv?.host ?? seed.host ?? `${seed.service}.tencentcloudapi.com`,
    actions: sortedActions,
    structures: sortedStructures,
  };
}
