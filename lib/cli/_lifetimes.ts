/**
 * Private helper of `resume.ts`: what a late `resume` would reuse after its documented lifetime
 * (the catalog's `Field.lifetime`, generated from the documentation, listed in
 * `lib/catalog/data/lifetimes.json`): a `ClientToken` sent again after its idempotency window
 * (emr 5 min, cfs 2 h), a paging token (`Context`, 1 h) a stopped step would go on from, a
 * token or signed URL a finished step answered (`有效期为5分钟`) that later steps read.
 *
 * @module
 */
import { findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import type { Field } from "../catalog/types.ts";
import type { ResumeState, RunState } from "../journal/replay.ts";
import type { Workflow } from "../workflow/model.ts";

/** A duration for a message: `45 s`, `12 min`, `3 h`, `2 d`. */
function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172800) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

function lifetimeText(field: Field): string {
  return `${age(field.lifetime!.seconds * 1000)} (“${field.lifetime!.doc}”)`;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" &&
    !(Array.isArray(value) && value.length === 0);
}

/**
 * The `W_EXPIRED` warnings of a resume at `nowMs` (one line each, without the prefix): values
 * the resumed run would reuse that are older than their documented lifetime.
 */
export function expiredValues(
  wf: Workflow,
  state: RunState,
  resume: ResumeState,
  nowMs: number,
): string[] {
  const out: string[] = [];
  const resent = new Set([...resume.inFlight, ...resume.failed, ...resume.uncertain]);
  for (const step of wf.steps) {
    if (step.kind !== "action") continue;
    const spec = findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
    const record = state.steps.find((s) => s.id === step.id);
    if (spec === undefined || record === undefined) continue;
    const label = `step \`${step.id}\` (${spec.service}.${spec.name})`;
    if (resent.has(step.id) && record.startedMs !== undefined) {
      const token = spec.clientToken
        ? spec.inputs.find((f) => f.name === "ClientToken" && f.lifetime !== undefined)
        : undefined;
      const since = nowMs - record.startedMs;
      if (token !== undefined && since > token.lifetime!.seconds * 1000) {
        out.push(
          `${label} sent its ClientToken ${age(since)} ago; the documentation gives it ${
            lifetimeText(token)
          }: sent again now, the API may not know it and apply the request twice`,
        );
      }
    }
    const p = spec.pagination;
    if (p?.style === "token" && p.in === undefined && resume.pages.has(step.id)) {
      const position = spec.inputs.find((f) => f.name === p.offset && f.lifetime !== undefined);
      const since = nowMs - state.lastEventMs;
      if (position !== undefined && since > position.lifetime!.seconds * 1000) {
        out.push(
          `${label} stopped in its pages ${age(since)} ago; its \`${position.name}\` is good for ${
            lifetimeText(position)
          }: going on from it may fail or skip pages`,
        );
      }
    }
    if (resume.completed.get(step.id)?.status !== "succeeded" || record.finishedMs === undefined) {
      continue;
    }
    if (!wf.source.includes(`steps.${step.id}.`)) continue; // no later step reads it
    const since = nowMs - record.finishedMs;
    const outputs = resume.completed.get(step.id)!.outputs;
    const answers = (Array.isArray(outputs) ? outputs : [outputs]) as unknown[];
    for (const field of spec.outputs) {
      if (field.lifetime === undefined || since <= field.lifetime.seconds * 1000) continue;
      const given = answers.some((a) =>
        a !== null && typeof a === "object" && present((a as Record<string, unknown>)[field.name])
      );
      if (!given) continue;
      out.push(
        `${label} answered \`${field.name}\` ${age(since)} ago; the documentation gives it ${
          lifetimeText(field)
        }: steps that use it now may fail`,
      );
    }
  }
  return out;
}
