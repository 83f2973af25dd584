import assert from "node:assert/strict";
import { credentialsIn, secretDeriver, SecretSet, secretsRevealed } from "./secrets.ts";

Deno.test("a secret set grows; short values are secrets as whole values of data only", () => {
  const secrets = new SecretSet(["s3cr3t", "ab"]);
  assert.equal(secrets.size, 2);
  assert.deepEqual(secrets.redact({ a: "x-s3cr3t", b: "S3CR3T" }), { a: "x-***", b: "S3CR3T" });
  // "ab" is not searched inside text, and structure (ids, counts) is never touched.
  assert.deepEqual(
    secrets.redact({ stepId: "ab", outputs: { x: "ab", y: "abc", ab: 1 } }),
    { stepId: "ab", outputs: { x: "***", y: "abc", "***": 1 } },
  );
  secrets.add(["S3CR3T"]);
  assert.deepEqual(secrets.redact({ b: ["S3CR3T"] }), { b: ["***"] });
  assert.equal(secrets.occursIn({ deep: [{ key: "..s3cr3t.." }] }), true);
  assert.equal(secrets.occursIn({ "key-s3cr3t": 1 }), true);
  assert.equal(secrets.occursIn(["public"]), false);
  assert.equal(secrets.holds(["ab"]), "whole");
  assert.equal(secrets.holds(["x-s3cr3t"]), "copy");
});

Deno.test("the deriver adds text made from a secret, and only that", () => {
  const secrets = new SecretSet(["sk-live-key"]);
  const derive = secretDeriver(secrets);
  const vars = {
    inputs: { key: "sk-live-key", name: "public-name" },
    steps: { read: { outputs: { Data: [{ Remark: "sk-live-key", Topic: "orders" }] } } },
  };
  derive("inputs.key.upperAscii()", "SK-LIVE-KEY", vars);
  derive("bytes(inputs.key)", new TextEncoder().encode("sk-live-key"), vars);
  derive("steps.read.outputs.Data.map(t, t.Topic.upperAscii())", ["ORDERS"], vars);
  derive('size(inputs.key) > 3 ? "long-key" : "short-key"', "long-key", vars);
  derive("inputs.name.upperAscii()", "PUBLIC-NAME", vars);
  assert.deepEqual(
    secrets.redact(["SK-LIVE-KEY", btoa("sk-live-key"), "ORDERS", "long-key", "PUBLIC-NAME"]),
    ["***", "***", "ORDERS", "long-key", "PUBLIC-NAME"],
  );
});

Deno.test("credentials in an answer are found by their field names, tokens of paging are not", () => {
  assert.deepEqual(
    credentialsIn({
      Result: { AccessKeyId: "AKID1", AccessKeySecret: "key-secret-1", SecretName: "name" },
      Users: [{ Password: "pw-1", HasPassword: true }, { private_key: "pk-1" }],
      SessionToken: "tok-1",
      NextToken: "page-2",
      ClientToken: "idem-1",
    }),
    ["key-secret-1", "pw-1", "pk-1", "tok-1"],
  );
  assert.deepEqual(credentialsIn(["AccessKeySecret"]), []);
});

Deno.test("secretsRevealed: the strings redaction changed, keys included", () => {
  assert.deepEqual(
    secretsRevealed(
      { A: "Bearer ***", B: "plain", L: ["***", "x"], "k-***": 1 },
      { A: "Bearer tok-1", B: "plain", L: ["TOK-1", "x"], "k-tok-1": 1 },
    ),
    ["Bearer tok-1", "TOK-1", "k-tok-1"],
  );
  assert.deepEqual(secretsRevealed({ A: 1n }, { A: 1n }), []);
});
