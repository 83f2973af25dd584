/**
 * One logical API call of a step, with everything around it: the rate limiter, the retry loop
 * (backoff from the step's policy, `ClientToken` safety for unknown outcomes), paging (driving the pure pager) and
 * the `until` poll. Used by the executor; not exported from the library.
 *
 * @module
 */
import { catalogIndex } from "../catalog/catalog.ts";
import { firstPage, joinPages, nextPage, type PagerState, pageTotal } from "../catalog/pager.ts";
import type { ActionSpec } from "../catalog/types.ts";
import { ConfigError } from "../errors.ts";
import type { Deps } from "../deps.ts";
import type { CallPort } from "../protocol/provider.ts";
import { classifyCallError } from "../provider/route.ts";
import { actionLabelOf } from "../catalog/clouds.ts";
import { NetworkError, TencentApiError } from "../tencent/errors.ts";
import type { RetryPolicy } from "../workflow/model.ts";
import type { ErrorInfo, RunEvent } from "../journal/events.ts";
import { rateKey, type RateLimiter } from "./rate_limiter.ts";
import { nextDelayMs } from "./retry.ts";

/** What a call needs from the run. */
export interface CallEnv {
  deps: Deps;
  client: CallPort;
  rateLimiter: RateLimiter;
  emit(event: RunEvent): Promise<void>;
  signal?: AbortSignal | undefined;
}

/** The action being called. */
export interface CallTarget {
  service: string;
  action: string;
  version: string;
  region: string;
  /** The catalog entry (undefined for `untyped: true` calls). */
  spec: ActionSpec | undefined;
}

/** How to call. */
export interface CallPlan {
  stepId: string;
  index?: number | undefined;
  policy: RetryPolicy;
  timeoutMs?: number | undefined;
  /** Set when the action takes a `ClientToken` and the call mutates. */
  clientToken?: string | undefined;
}

/** The result of one logical call (all its attempts). */
export type CallOutcome =
  | {
    ok: true;
    response: Record<string, unknown>;
    requestId: string;
    attempts: number;
  }
  | { ok: false; uncertain: boolean; error: ErrorInfo; attempts: number };

const READ_PREFIXES = ["Describe", "List", "Get", "Query", "Check", "Inquiry"];

/** Whether an action mutates: the catalog's flag, else anything but `Describe*`, `List*` … */
export function isMutating(target: { action: string; spec: ActionSpec | undefined }): boolean {
  if (target.spec !== undefined) return target.spec.mutating;
  return !READ_PREFIXES.some((prefix) => target.action.startsWith(prefix));
}

/** `trocket.CreateTopic`, `huaweicloud/cph.ListEncodeServers`: an action as users write it. */
export function actionLabel(ref: { provider: string; service: string; action: string }): string {
  return actionLabelOf(ref);
}

/** An error as data, for results and events. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof TencentApiError) {
    return error.requestId === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, requestId: error.requestId };
  }
  if (error instanceof NetworkError) return { code: error.code, message: error.message };
  if (error instanceof ConfigError) return { code: "E_CONFIG", message: error.message };
  if (error instanceof Error) {
    // Another cloud's API error (`ProviderApiError`): its code and request id.
    const { code, requestId } = error as { code?: unknown; requestId?: unknown };
    const info: ErrorInfo = {
      code: typeof code === "string" ? code : "E_ENGINE",
      message: error.message,
    };
    if (typeof requestId === "string" && requestId !== "") info.requestId = requestId;
    return info;
  }
  return { code: "E_ENGINE", message: String(error) };
}

/**
 * Sends one request with retries. A mutating call whose outcome is unknown is retried only
 * with a `ClientToken`; otherwise it stops as uncertain.
 */
export async function callWithRetry(
  env: CallEnv,
  target: CallTarget,
  params: Record<string, unknown>,
  plan: CallPlan,
): Promise<CallOutcome> {
  const mutating = isMutating(target);
  const ratePerS = target.spec?.rateLimitPerS ?? 20;
  const key = rateKey({
    service: target.service,
    action: target.action,
    region: target.region,
    secretId: env.client.secretId,
  });
  const maxAttempts = Math.max(1, plan.policy.attempts);
  for (let attempt = 1;; attempt++) {
    env.signal?.throwIfAborted();
    // The slot is taken once the request is signed, right before it goes out (`beforeSend`):
    // signing after the slot delayed the sends of a busy process past their slots, and the
    // calls of several slots then reached the server together. A failure of the limiter (its
    // database) is not the call's: it is thrown as it is, never classified or retried here.
    let pacing: { error: unknown } | undefined;
    const beforeSend = async () => {
      try {
        await env.rateLimiter.acquire(key, ratePerS, env.signal);
      } catch (error) {
        pacing = { error };
        throw error;
      }
    };
    try {
      const result = await env.client.call(
        target.service,
        target.action,
        target.version,
        target.region,
        params,
        {
          signal: env.signal,
          clientToken: plan.clientToken,
          timeoutMs: plan.timeoutMs,
          idempotent: !mutating || plan.clientToken !== undefined,
          beforeSend,
        },
      );
      return {
        ok: true,
        response: result.response,
        requestId: result.requestId,
        attempts: attempt,
      };
    } catch (error) {
      if (env.signal?.aborted) throw env.signal.reason;
      if (pacing !== undefined) throw pacing.error;
      const info = errorInfo(error);
      const kind = classifyCallError(error, plan.policy.on);
      const unsafe = kind === "unknown-outcome" && mutating && plan.clientToken === undefined;
      const retryable = (kind === "retry" || kind === "unknown-outcome") && !unsafe;
      const delayMs = retryable && attempt < maxAttempts
        ? nextDelayMs(plan.policy, attempt, env.deps.random)
        : undefined;
      await env.emit({
        type: "attempt-failed",
        timeMs: env.deps.now(),
        stepId: plan.stepId,
        ...(plan.index !== undefined ? { index: plan.index } : {}),
        attempt,
        error: info,
        ...(delayMs !== undefined ? { retryInMs: delayMs } : {}),
      });
      if (unsafe) {
        return {
          ok: false,
          uncertain: true,
          attempts: attempt,
          error: { ...info, message: uncertainMessage(target, info) },
        };
      }
      if (delayMs === undefined) {
        let message = retryable
          ? `${info.message} (gave up after ${attempt} attempt${attempt > 1 ? "s" : ""})`
          : info.message;
        if (kind === "unknown-outcome" && mutating) {
          message += `; ${target.action} may have been applied: resuming the run sends the ` +
            "same ClientToken, so it is not applied twice";
        }
        return { ok: false, uncertain: false, attempts: attempt, error: { ...info, message } };
      }
      await env.deps.sleep(delayMs, env.signal);
    }
  }
}

/** "CreateTopic may have been applied …; check with DescribeTopicList before resuming". */
export function uncertainMessage(target: CallTarget, info: ErrorInfo): string {
  const check = checkActionFor(target);
  const how = check !== undefined
    ? `check with ${target.service}.${check} before resuming`
    : "check the resource in the console before resuming";
  return `${target.action} may have been applied (${info.code}: ${info.message}), and ` +
    `${target.service}.${target.action} takes no ClientToken, so it was not sent again; ${how}`;
}

const VERB =
  /^(Create|Delete|Modify|Update|Import|Bind|Unbind|Add|Remove|Set|Start|Stop|Enable|Disable|Reset|Release|Apply|Attach|Detach|Associate|Disassociate|Run|Put|Batch|Restart|Renew|Purchase|Upgrade|Send|Deploy|Publish|Unpublish|Open|Close|Cancel|Terminate|Rollback|Switch|Change|Upload|Replace|Allocate|Migrate)/;

/** A read action of the same service that shows what a mutating action changes, if any. */
function checkActionFor(target: CallTarget): string | undefined {
  const verb = VERB.exec(target.action)?.[0];
  if (verb === undefined) return undefined;
  let noun = target.action.slice(verb.length);
  if (noun === "") return undefined;
  let actions: string[];
  try {
    actions = catalogIndex().services[target.service]?.actions[target.version] ?? [];
  } catch {
    return undefined;
  }
  const known = new Set(actions);
  // "ImportSourceClusterTopics" → "SourceClusterTopic"; "CreateTopic" → "Topic".
  const singular = noun.replace(/ies$/, "y").replace(/(ss|x|ch|sh)es$/, "$1").replace(
    /([^s])s$/,
    "$1",
  );
  for (const candidate of [noun, singular]) {
    noun = candidate;
    for (
      const name of [
        `Describe${noun}List`,
        `Describe${noun}s`,
        `Describe${noun}`,
        `Describe${noun}Attribute`,
        `List${noun}s`,
        `Get${noun}`,
      ]
    ) if (known.has(name) && name !== target.action) return name;
  }
  return undefined;
}

/** A paginated call's progress, for events (`total` undefined when the API gives none). */
export type PageReport = (
  page: number,
  items: number,
  total: number | undefined,
  progress: { list: unknown[]; next: PagerState | undefined },
) => Promise<void>;

/**
 * Follows the action's pages to the end in its own paging style (PRODUCT.md section 15): the
 * pure pager (`lib/catalog/pager.ts`) says what each next request is; this sends it with
 * retries and concatenates the list field. Returns the last page's response with the whole
 * list, or the pager's error (`E_PAGINATE`) when paging cannot finish.
 */
export async function callPaginated(
  env: CallEnv,
  target: CallTarget,
  params: Record<string, unknown>,
  plan: CallPlan,
  onPage: PageReport,
  from?: { state: PagerState; items: unknown[] },
): Promise<CallOutcome> {
  const pagination = target.spec?.pagination;
  if (pagination === undefined) {
    const why = target.spec?.notPageable;
    return {
      ok: false,
      uncertain: false,
      attempts: 0,
      error: {
        code: "E_NOT_PAGEABLE",
        message: `${target.service}.${target.action} cannot page${why ? `: ${why}` : ""}`,
      },
    };
  }
  // A resumed read goes on from the page after those an earlier session read.
  let { request, state } = from === undefined
    ? firstPage(pagination, params)
    : { request: from.state.request, state: from.state };
  const items: unknown[] = [...(from?.items ?? [])];
  let attempts = 0;
  for (;;) {
    const outcome = await callWithRetry(env, target, request, plan);
    attempts += outcome.attempts;
    if (!outcome.ok) return { ...outcome, attempts };
    const step = nextPage(pagination, state, outcome.response);
    items.push(...step.items);
    const total = pageTotal(pagination, outcome.response);
    await onPage(state.pages + 1, items.length, total === undefined ? undefined : Number(total), {
      list: step.items,
      next: step.kind === "next" ? step.state : undefined,
    });
    if (step.kind === "error") {
      return {
        ok: false,
        uncertain: false,
        attempts,
        error: {
          code: "E_PAGINATE",
          message: `${target.service}.${target.action}: ${step.message}`,
          requestId: outcome.requestId,
        },
      };
    }
    if (step.kind === "done") {
      return {
        ok: true,
        requestId: outcome.requestId,
        attempts,
        response: joinPages(pagination, outcome.response, items),
      };
    }
    ({ request, state } = step);
  }
}
