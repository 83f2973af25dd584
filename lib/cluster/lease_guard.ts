/**
 * The lease re-check of a worker (PRODUCT.md section 14): right before a mutating request
 * (one that is not idempotent, or that carries a ClientToken), the worker asks the database
 * whether it still holds the run. When it does not, the request is not sent: the run is
 * stopped with {@link LeaseLost} and another worker continues it.
 *
 * @module
 */
import type { EngineClient } from "../provider/route.ts";

/** The reason a worker stops a run whose lease it lost. */
export class LeaseLost extends Error {
  readonly runId: string;
  constructor(runId: string) {
    super(`lost its lease on run ${runId}; nothing more is sent or recorded`);
    this.name = "LeaseLost";
    this.runId = runId;
  }
}

/**
 * A client that checks `holdsLease()` right before every mutating request goes out (after its
 * `beforeSend`: signed, its rate-limit slot taken); when the lease is gone it calls `onLost`
 * (which aborts the run) and rejects with {@link LeaseLost} without sending.
 */
export function leaseGuarded(
  client: EngineClient,
  o: { runId: string; holdsLease(): Promise<boolean>; onLost(error: LeaseLost): void },
): EngineClient {
  return {
    secretId: client.secretId,
    async call(service, action, version, region, params, opts) {
      if (opts?.idempotent !== false && opts?.clientToken === undefined) {
        return await client.call(service, action, version, region, params, opts);
      }
      // Right before the request goes out (signed, its rate-limit slot taken).
      const beforeSend = async () => {
        await opts?.beforeSend?.();
        if (!(await o.holdsLease())) {
          const error = new LeaseLost(o.runId);
          o.onLost(error);
          throw error;
        }
      };
      return await client.call(service, action, version, region, params, { ...opts, beforeSend });
    },
  };
}
