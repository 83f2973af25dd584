/**
 * ClientTokens must be the same in every version of tcflow: a run resumed by a newer binary
 * sends the token of the original attempt, or the cloud creates the resource twice. So the
 * derivation is pinned against an independent implementation (node:crypto).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { clientTokenFor } from "./client_token.ts";

function expected(parts: unknown[]): string {
  return "tcf-" + createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 60);
}

Deno.test("a ClientToken is tcf- and the first 60 hex digits of SHA-256 of the JSON site", async () => {
  const token = await clientTokenFor({ runId: "r1", stepId: "create", index: 0 });
  assert.equal(token, expected(["r1", "create", 0, null]));
  assert.match(token, /^tcf-[0-9a-f]{60}$/);
  assert.equal(
    await clientTokenFor({ runId: "r1", stepId: "create" }),
    expected(["r1", "create", null, null]),
  );
  assert.equal(
    await clientTokenFor({ runId: "r1", stepId: "poll", extra: "" }),
    expected(["r1", "poll", null, ""]),
  );
  assert.notEqual(
    await clientTokenFor({ runId: "r1", stepId: "poll", extra: "" }),
    await clientTokenFor({ runId: "r1", stepId: "poll" }),
  );
});
