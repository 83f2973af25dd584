import assert from "node:assert/strict";
import { quotedForms, secretRedactor } from "./redaction.ts";

Deno.test("text secrets are found in the forms an API quotes them in", () => {
  const secret = 'pw"with\\quote 12/+?';
  const redact = secretRedactor([secret]);
  for (const form of quotedForms(secret)) {
    assert.equal(redact(`got ${form}.`, "message"), "got ***.", form);
    assert.deepEqual(redact({ outputs: { v: `[${form}]` } }), { outputs: { v: "[***]" } }, form);
  }
  assert.ok(quotedForms(secret).length >= 5);
});

Deno.test("a message quoting part of a secret (cut to a length) shows none of it", () => {
  const secret = "0123456789-abcdefghijklmnopqrstuvwxyz-0123456789";
  const redact = secretRedactor([secret]);
  const cut = `got string "${secret.slice(0, 40)}".`;
  assert.deepEqual(redact({ error: { message: cut } }), {
    error: { message: 'got string "***".' },
  });
  // Outside messages, a piece is not searched (only the whole secret and its forms).
  assert.deepEqual(redact({ outputs: { v: secret.slice(0, 40) } }), {
    outputs: { v: secret.slice(0, 40) },
  });
  assert.equal(redact("no part here: 01234", "message"), "no part here: 01234");
});

Deno.test("short secrets: whole values of data and words of messages, never structure", () => {
  const redact = secretRedactor(["sk", "7", "-4821"]);
  assert.deepEqual(
    redact({
      type: "step-succeeded",
      stepId: "sk",
      attempts: 7,
      outputs: { a: "sk", b: 7, c: 7n, d: "task", e: ["7", "x7"], sk: true, n: -4821 },
      requests: [{ Remark: "sk" }],
      error: { code: "E", message: "value 'sk' at 7; task 17 -4821" },
    }),
    {
      type: "step-succeeded",
      stepId: "sk",
      attempts: 7,
      outputs: { a: "***", b: "***", c: "***", d: "task", e: ["***", "x7"], "***": true, n: "***" },
      requests: [{ Remark: "***" }],
      error: { code: "E", message: "value '***' at ***; task 17 ***" },
    },
  );
  assert.deepEqual(redact(["sk", 7], "data"), ["***", "***"]);
});
