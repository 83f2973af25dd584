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

Deno.test("overlapping secrets leave no character between them in clear", () => {
  const key = "Z4=NHLiyfa.+%8d=XDSOR";
  const redact = secretRedactor([key, `id=${key.slice(0, 10)}`, key.slice(12, 20)]);
  assert.match(redact(`id=${key}x`, "message") as string, /^(\*\*\*)+x$/);
  assert.deepEqual(redact({ outputs: { v: `id=${key}x` } }), { outputs: { v: "***x" } });
});

Deno.test("a message cutting a secret to 40 characters is not split by shorter secrets in it", () => {
  const secret = "FM8dlIEaj0ferl.hj=pV2FM8dlIEaj0ferl.hj=pV2-tail";
  const redact = secretRedactor([secret, "FM8dlIEaj0ferl.hj=pV2", "Eaj0f"]);
  const message = `got string ${JSON.stringify(secret.slice(0, 40))}.`;
  assert.equal(redact(message, "message"), 'got string "***".');
});

Deno.test("a number made from a secret is a word of its own, never digits of a run id", () => {
  const redact = secretRedactor(["1204", "-4822"]);
  assert.deepEqual(
    redact({
      run_id: "20261204T174013Z-lcx2u2",
      outputs: { n: 1204, m: -4822n, t: "pin 1204, next -4822" },
      error: { message: "got integer 1204." },
    }),
    {
      run_id: "20261204T174013Z-lcx2u2",
      outputs: { n: "***", m: "***", t: "pin ***, next ***" },
      error: { message: "got integer ***." },
    },
  );
});

Deno.test("a short secret quoted JSON-escaped in a message leaves no escape character", () => {
  // The secrets fuzz found `got string "\"".` (the secret `"`) shown as `***\******`.
  for (const secret of ['"', "\\", "é", 'a"', "\\n"]) {
    const redact = secretRedactor([secret]);
    for (const quoted of [JSON.stringify(secret), `"${encodeURIComponent(secret)}"`]) {
      const shown = redact(`got string ${quoted}.`, "message") as string;
      // Only `***` and the message's own quotes may stand where the value was.
      assert.equal(shown.replaceAll("***", "").replaceAll('"', ""), "got string .", shown);
    }
  }
});

Deno.test("names are not values: a record's keys, ids and seal stay; a data key named by the author stays", () => {
  const key = "xtep-Topic-9f8e7d6c";
  const redact = secretRedactor([key, "tep", "Top", "te"], new Set(["step_tep", "te", "Topic"]));
  const event = {
    type: "step-succeeded",
    stepId: "step_tep",
    status: "succeeded",
    sealed: { iv: "tepTep", data: "abcTopxyz" },
    outputs: { step_tep: "tep", te: "te", Data: [{ Topic: "a-Top" }], [`k-${key}`]: 1, tep: 2 },
    error: { code: "Stepped", message: `bad tep ${key}` },
  };
  assert.deepEqual(redact(event), {
    type: "step-succeeded",
    stepId: "step_tep",
    status: "succeeded",
    sealed: { iv: "tepTep", data: "abcTopxyz" },
    // Values are still redacted; a key holding a secret, or one, that no author wrote, too.
    outputs: { step_tep: "***", te: "***", Data: [{ Topic: "a-***" }], "k-***": 1, "***": 2 },
    error: { code: "Stepped", message: "bad *** ***" },
  });
});
