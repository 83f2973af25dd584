/**
 * A test double of one Tencent Cloud action that takes a `ClientToken`: `vpc.AllocateAddresses`
 * (2017-03-12), idempotent by `ClientToken` like the real API. The emulator emulates no action
 * with a `ClientToken` (none of the seeded services has one), so this small server stands in:
 * it verifies the real TC3 signature with the real verifier, keeps the allocated addresses, and
 * can cut the connection after applying a request, like the emulator's `cut-after` fault.
 *
 * @module
 */
import { parseJson, stringifyJson } from "../lib/json.ts";
import { verifyTencentRequest } from "../lib/emulator/verify.ts";

/** The double: a fetch-shaped handler and what it holds. */
export interface VpcDouble {
  handle(request: Request): Promise<Response>;
  /** Allocated address ids, in order. */
  addresses: string[];
  /** Every request: action, ClientToken and what happened. */
  calls: Array<{ action: string; clientToken?: string; outcome: "ok" | "cut-after" | string }>;
}

/** Creates the double; the first `cutAfter` allocations are applied, then the connection is cut. */
export function createVpcDouble(
  options: { secretId: string; secretKey: string; now: () => number; cutAfter?: number },
): VpcDouble {
  let cutsLeft = options.cutAfter ?? 0;
  const byToken = new Map<string, string[]>();
  const double: VpcDouble = {
    addresses: [],
    calls: [],
    async handle(request) {
      const body = new Uint8Array(await request.arrayBuffer());
      const verified = await verifyTencentRequest(
        { method: request.method, url: new URL(request.url), headers: request.headers, body },
        {
          lookupSecret: (id) => (id === options.secretId ? options.secretKey : undefined),
          nowS: Math.floor(options.now() / 1000),
        },
      );
      const action = request.headers.get("x-tc-action") ?? "";
      const answer = (response: Record<string, unknown>) =>
        new Response(stringifyJson({ Response: { ...response, RequestId: crypto.randomUUID() } }), {
          headers: { "content-type": "application/json" },
        });
      if (!verified.ok) {
        double.calls.push({ action, outcome: verified.code });
        return answer({ Error: { Code: verified.code, Message: verified.message } });
      }
      const params = parseJson(new TextDecoder().decode(body), "auto") as Record<string, unknown>;
      const token = typeof params.ClientToken === "string" ? params.ClientToken : undefined;
      if (action !== "AllocateAddresses") {
        double.calls.push({ action, outcome: "UnsupportedOperation" });
        return answer({ Error: { Code: "UnsupportedOperation", Message: "not in the double" } });
      }
      let ids = token === undefined ? undefined : byToken.get(token);
      if (ids === undefined) {
        ids = [`eip-${String(double.addresses.length + 1).padStart(8, "0")}`];
        double.addresses.push(...ids);
        if (token !== undefined) byToken.set(token, ids);
      }
      if (cutsLeft > 0) {
        cutsLeft--;
        double.calls.push({
          action,
          ...(token ? { clientToken: token } : {}),
          outcome: "cut-after",
        });
        throw new TypeError("error reading response: connection reset by peer");
      }
      double.calls.push({ action, ...(token ? { clientToken: token } : {}), outcome: "ok" });
      return answer({ AddressSet: ids, TaskId: "task-1" });
    },
  };
  return double;
}
