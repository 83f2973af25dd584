/** Secret handling that mutation testing found unguarded (PRODUCT.md §7, "Secrets"). */
import assert from "node:assert/strict";
import { credentialsIn, SecretSet } from "./secrets.ts";
import { derivesSecret } from "./expr/taint.ts";

Deno.test("credential strings inside lists are secrets, at any depth", () => {
  assert.deepEqual(
    credentialsIn({
      Password: ["pw-one", "pw-two"],
      Keys: [{ SecretKey: "sk-in-a-list" }, { Name: "plain" }],
      Result: { Items: [[{ Token: "nested-token" }]] },
    }),
    ["pw-one", "pw-two", "sk-in-a-list", "nested-token"],
  );
});

Deno.test("secrets of 3 characters are found in text; shorter ones only as whole values", () => {
  const secrets = new SecretSet(["ab", "xyz"]);
  assert.equal(secrets.size, 2);
  assert.equal(secrets.redact("ab-xyz"), "ab-***");
  assert.deepEqual(secrets.redact({ outputs: { v: "ab", w: "ab-xyz" } }), {
    outputs: { v: "***", w: "ab-***" },
  });
  assert.equal(secrets.occursIn(["..xyz.."]), true);
  assert.equal(secrets.occursIn(["..ab.."]), false);
  assert.equal(secrets.occursIn(["ab"]), true);
});

Deno.test("a conditional is tainted by a derived secret in either branch", () => {
  const isSecret = (path: string[]) => path[0] === "inputs" && path[1] === "key";
  assert.equal(derivesSecret('inputs.c ? "x" : inputs.key.upperAscii()', isSecret), true);
  assert.equal(derivesSecret('inputs.c ? inputs.key.upperAscii() : "x"', isSecret), true);
  assert.equal(derivesSecret('inputs.c ? "x" : "y"', isSecret), false);
  // A test on the secret picks between constants: nothing of the secret is in the result.
  assert.equal(derivesSecret('size(inputs.key) > 8 ? "long" : "short"', isSecret), false);
});
