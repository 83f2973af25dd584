import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { parseWorkflow } from "../workflow/parse.ts";
import {
  decodeSealedInputs,
  encodeSealedInputs,
  openInputs,
  readSealKey,
  SealedInputError,
  sealInputs,
} from "./sealed_inputs.ts";

const KEY = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i)));
const OTHER = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i + 1)));
const VALUES = { token: "s3cr3t-token", pin: 18446744073709551615n, list: ["a-secret", 2n] };

Deno.test("sealed inputs open with the same key, run id and names; integers exact", async () => {
  const key = (await readSealKey(KEY))!;
  const sealed = await sealInputs(key, "run-1", VALUES);
  const text = encodeSealedInputs(sealed);
  assert.ok(!text.includes("s3cr3t") && !text.includes("a-secret"), text);
  assert.equal(sealed.keyId, key.fingerprint);
  // Read back from the database's text, with the key read again.
  const again = (await readSealKey(` ${KEY}\n`))!;
  assert.equal(again.fingerprint, key.fingerprint);
  assert.deepEqual(
    await openInputs(again, "run-1", decodeSealedInputs(sealed.keyId, text)),
    VALUES,
  );
  // A fresh IV each time: the same value seals to another ciphertext.
  assert.notEqual(encodeSealedInputs(await sealInputs(key, "run-1", VALUES)), text);
});

Deno.test("sealed inputs stay closed in another run, under another name or key, or changed", async () => {
  const key = (await readSealKey(KEY))!;
  const other = (await readSealKey(OTHER))!;
  assert.match(key.fingerprint, /^[0-9a-f]{16}$/);
  assert.notEqual(other.fingerprint, key.fingerprint);
  const sealed = await sealInputs(key, "run-1", { token: "s3cr3t", pin: "1234" });
  const fails = async (run: Promise<unknown>, input: string, pattern: RegExp) => {
    const error = await run.then(() => undefined, (e) => e);
    assert.ok(error instanceof SealedInputError, String(error));
    assert.equal(error.input, input);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("s3cr3t") && !error.message.includes("1234"));
  };
  await fails(openInputs(key, "run-2", sealed), "token", /input token of run run-2 does not open/);
  const swapped = { ...sealed, inputs: { token: sealed.inputs.pin!, pin: sealed.inputs.token! } };
  await fails(openInputs(key, "run-1", swapped), "token", /does not open/);
  await fails(openInputs(other, "run-1", sealed), "token", /sealed with the key of fingerprint/);
  const forged = { ...sealed, keyId: other.fingerprint };
  await fails(openInputs(other, "run-1", forged), "token", /does not open/);
  const data = sealed.inputs.token!.data;
  const flipped = (data[0] === "A" ? "B" : "A") + data.slice(1);
  const changed = {
    ...sealed,
    inputs: { ...sealed.inputs, token: { iv: sealed.inputs.token!.iv, data: flipped } },
  };
  await fails(openInputs(key, "run-1", changed), "token", /changed in the database/);
  assert.throws(() => decodeSealedInputs("x", '{"token": {"iv": 1}}'), SealedInputError);
  assert.throws(() => decodeSealedInputs("x", "not json"), SealedInputError);
});

Deno.test("a seal key must be 32 bytes of base64; the message names the variable, not the value", async () => {
  assert.equal(await readSealKey(undefined), undefined);
  assert.equal(await readSealKey(" "), undefined);
  for (
    const [text, pattern] of [
      ["c2VjcmV0LXZhbHVl!!", /TCFLOW_SEAL_KEY is not base64/],
      [btoa("x".repeat(31)), /TCFLOW_SEAL_KEY holds 31 bytes; it must be 32 random bytes/],
      [btoa("x".repeat(33)), /holds 33 bytes/],
      [btoa("x".repeat(32)).slice(0, -1), /is not base64/],
    ] as const
  ) {
    const error = await readSealKey(text).then(() => undefined, (e) => e);
    assert.ok(error instanceof UsageError, text);
    assert.match(error.message, pattern);
    assert.match(error.message, /openssl rand -base64 32/);
    assert.ok(!error.message.includes(text));
  }
});

Deno.test("a workflow cannot read the seal key (nor the store URL) from a worker's environment", () => {
  for (const name of ["TCFLOW_SEAL_KEY", "TCFLOW_STORE", "tcflow_seal_key"]) {
    const { diagnostics } = parseWorkflow(
      `tcflow: 1\nname: x\nenv: [${name}]\nsteps: []\n`,
      "x.yaml",
    );
    const codes = diagnostics.filter((d) => d.code === "E_SECRET_ENV").map((d) => d.line);
    assert.deepEqual(codes, [3], name);
  }
  const allowed = parseWorkflow("tcflow: 1\nname: x\nenv: [TCFLOW_STAGE]\nsteps: []\n", "x.yaml");
  assert.deepEqual(allowed.diagnostics.filter((d) => d.code === "E_SECRET_ENV"), []);
});
