import assert from "node:assert/strict";
import { stringifyJson } from "../json.ts";
import { seal, sealingKey, unseal } from "./seal.ts";

const OUTPUTS = { Result: { AccessKeySecret: "key-secret-1", Count: 18446744073709551615n } };

Deno.test("sealed outputs open with the same secrets and run id, integers exact", async () => {
  const key = (await sealingKey(["s3cr3t", "AKID-key"], "run-1"))!;
  const sealed = await seal(key, "create", OUTPUTS);
  assert.ok(!stringifyJson(sealed).includes("key-secret-1"));
  // The same secrets in another order, given again: the same key.
  const again = (await sealingKey(["AKID-key", "s3cr3t", "s3cr3t"], "run-1"))!;
  assert.deepEqual(await unseal(again, "create", sealed), { outputs: OUTPUTS });
  // JSON of the journal and back.
  const fromJournal = JSON.parse(JSON.stringify(sealed));
  assert.deepEqual(await unseal(again, "create", fromJournal), { outputs: OUTPUTS });
});

Deno.test("sealed outputs stay closed with other secrets, another run, another step or damage", async () => {
  const key = (await sealingKey(["s3cr3t"], "run-1"))!;
  const sealed = await seal(key, "create", OUTPUTS);
  assert.equal(await unseal((await sealingKey(["other"], "run-1"))!, "create", sealed), undefined);
  assert.equal(await unseal((await sealingKey(["s3cr3t"], "run-2"))!, "create", sealed), undefined);
  assert.equal(await unseal(key, "read", sealed), undefined);
  const damaged = { ...sealed, data: sealed.data.replace(/^./, (c) => (c === "A" ? "B" : "A")) };
  assert.equal(await unseal(key, "create", damaged), undefined);
  assert.equal(await unseal(key, "create", { iv: "!!", data: "??" }), undefined);
  assert.equal(await sealingKey(["ab"], "run-1"), undefined, "no secret, no key");
});
