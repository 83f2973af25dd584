/**
 * The caller of `--live-reads` (`tcflow plan`, `tcflow run --dry-run`): executes read-only
 * actions for real through the same client, credentials and rate limiter as `run`, and
 * refuses anything that mutates.
 *
 * @module
 */
import { findActionAnyCloud } from "../catalog/clouds.ts";
import { isMutating } from "../engine/call.ts";
import { rateKey } from "../engine/rate_limiter.ts";
import type { LiveReadCall } from "../workflow/plan.ts";
import type { Workflow } from "../workflow/model.ts";
import { cloudsOf, connect } from "./_connect.ts";
import type { ParsedArgs } from "./args.ts";
import type { CliContext } from "./context.ts";

/**
 * Builds the read-only caller of the workflow's clouds from the command's flags (`--emulator`,
 * `--endpoint-url`, `--regional-endpoints`, `--profile`, `--region`).
 *
 * @throws {ConfigError} when credentials are missing (exit 3)
 */
export async function liveReadCaller(
  parsed: ParsedArgs,
  ctx: CliContext,
  wf: Workflow,
): Promise<LiveReadCall> {
  const connection = await connect(parsed, ctx, { readOnly: true, clouds: cloudsOf(wf) });
  return async (call) => {
    const spec = findActionAnyCloud(call.service, call.action, call.version);
    if (isMutating({ action: call.action, spec })) {
      throw new Error(`${call.service}.${call.action} mutates: never sent by a dry run`);
    }
    const key = rateKey({
      service: call.service,
      action: call.action,
      region: call.region,
      secretId: connection.client.secretId,
    });
    const result = await connection.client.call(
      call.service,
      call.action,
      call.version,
      call.region,
      call.params,
      {
        idempotent: true,
        // The slot is taken once the request is signed, right before it goes out.
        beforeSend: () => connection.rateLimiter.acquire(key, spec?.rateLimitPerS ?? 20),
      },
    );
    return result.response;
  };
}
