/**
 * Sealed secret inputs of queued runs (`tcflow submit` to a database store): the submitter
 * encrypts each secret input under the seal key (env `TCFLOW_SEAL_KEY`, 32 random bytes in
 * base64, given to the submitter and the workers), the database keeps only the ciphertext and
 * the key's fingerprint, and a worker with the same key opens them — as Windmill's workspace
 * key, Vault's transit engine or Kubernetes' sealed secrets do.
 *
 * AES-256-GCM (`crypto.subtle`) under a key derived from the seal key with HKDF-SHA-256; the
 * additional authenticated data names the run id and the input, so a sealed value cannot be
 * moved to another run or another input. The fingerprint is HMAC-SHA-256 of a fixed label under
 * another key derived from the seal key, truncated to 16 hex digits: it tells which key sealed a
 * run and nothing of the key.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { parseJson, stringifyJson } from "../json.ts";
import { toBase64 } from "../crypto.ts";

/** The environment variable that holds the seal key. */
export const SEAL_KEY_ENV = "TCFLOW_SEAL_KEY";

/** The secret inputs of a run as the database keeps them. */
export interface SealedInputs {
  /** The fingerprint of the key that sealed them ({@link SealKey.fingerprint}). */
  keyId: string;
  /** Per input name: base64 of the 12-byte IV and of the ciphertext with its tag. */
  inputs: Record<string, { iv: string; data: string }>;
}

/** A seal key, read from {@link SEAL_KEY_ENV}. */
export interface SealKey {
  /** 16 hex digits that name the key (not secret). */
  fingerprint: string;
  /** The AES-256-GCM key. */
  key: CryptoKey;
}

/** Opening failed: the ciphertext was changed, or sealed for another run or input. */
export class SealedInputError extends Error {
  /** The input that did not open. */
  readonly input: string;
  constructor(input: string, message: string) {
    super(message);
    this.name = "SealedInputError";
    this.input = input;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The seal key of a base64 text of 32 bytes, or `undefined` for an empty or missing one.
 *
 * @throws {UsageError} not base64, or not 32 bytes (the value is never shown)
 *
 * @example
 * ```ts
 * import { readSealKey } from "./sealed_inputs.ts";
 * const key = await readSealKey(btoa("k".repeat(32)));
 * console.log(key?.fingerprint.length); // 16
 * ```
 */
export async function readSealKey(text: string | undefined): Promise<SealKey | undefined> {
  if (text === undefined || text.trim() === "") return undefined;
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(text.trim());
  } catch {
    throw new UsageError(
      `${SEAL_KEY_ENV} is not base64; it must be 32 random bytes in base64 ` +
        `(make one with: openssl rand -base64 32)`,
    );
  }
  if (raw.length !== 32) {
    throw new UsageError(
      `${SEAL_KEY_ENV} holds ${raw.length} bytes; it must be 32 random bytes in base64 ` +
        `(make one with: openssl rand -base64 32)`,
    );
  }
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, [
    "deriveKey",
    "deriveBits",
  ]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: INFO_SEAL },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  const macKey = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: INFO_FINGERPRINT },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", macKey, FINGERPRINT_LABEL));
  const fingerprint = [...mac.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { fingerprint, key };
}

const INFO_SEAL = encoder.encode("tcflow sealed inputs v1");
const INFO_FINGERPRINT = encoder.encode("tcflow seal key fingerprint v1");
const FINGERPRINT_LABEL = encoder.encode("tcflow seal key fingerprint");

/** The additional authenticated data of one input of one run. */
function aad(runId: string, name: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`tcflow sealed input v1\u0000${runId}\u0000${name}`);
}

/**
 * Seals the secret inputs of a run (values as parsed: integers as bigint stay exact).
 *
 * @example
 * ```ts
 * import { openInputs, readSealKey, sealInputs } from "./sealed_inputs.ts";
 * const key = (await readSealKey(btoa("k".repeat(32))))!;
 * const sealed = await sealInputs(key, "run-1", { token: "s3cr3t" });
 * console.log(await openInputs(key, "run-1", sealed)); // { token: "s3cr3t" }
 * ```
 */
export async function sealInputs(
  key: SealKey,
  runId: string,
  values: Record<string, unknown>,
): Promise<SealedInputs> {
  const inputs: SealedInputs["inputs"] = {};
  for (const [name, value] of Object.entries(values)) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: aad(runId, name) },
      key.key,
      encoder.encode(stringifyJson(value)),
    );
    inputs[name] = { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
  }
  return { keyId: key.fingerprint, inputs };
}

/**
 * Opens the sealed inputs of a run.
 *
 * @throws {SealedInputError} another key, a changed ciphertext, or one sealed for another run
 *   or input (the message names the input, never a value)
 */
export async function openInputs(
  key: SealKey,
  runId: string,
  sealed: SealedInputs,
): Promise<Record<string, unknown>> {
  if (sealed.keyId !== key.fingerprint) {
    throw new SealedInputError(
      Object.keys(sealed.inputs)[0] ?? "",
      `the secret inputs of run ${runId} were sealed with the key of fingerprint ` +
        `${sealed.keyId}, and ${SEAL_KEY_ENV} here has fingerprint ${key.fingerprint}`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [name, box] of Object.entries(sealed.inputs)) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(box.iv), additionalData: aad(runId, name) },
        key.key,
        fromBase64(box.data),
      );
      values[name] = parseJson(decoder.decode(plain), "bigint");
    } catch {
      throw new SealedInputError(
        name,
        `the sealed secret input ${name} of run ${runId} does not open with ${SEAL_KEY_ENV} ` +
          `(fingerprint ${key.fingerprint}): it was changed in the database, or sealed for ` +
          `another run or input`,
      );
    }
  }
  return values;
}

/** The database text of sealed inputs. */
export function encodeSealedInputs(sealed: SealedInputs): string {
  return JSON.stringify(sealed.inputs);
}

/**
 * Sealed inputs from the database's text and key id.
 *
 * @throws {SealedInputError} the text is not a map of `{iv, data}`
 */
export function decodeSealedInputs(keyId: string, text: string): SealedInputs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const inputs: SealedInputs["inputs"] = {};
  const ok = value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.entries(value as Record<string, unknown>).every(([name, box]) => {
      const { iv, data } = (box ?? {}) as { iv?: unknown; data?: unknown };
      if (typeof iv !== "string" || typeof data !== "string") return false;
      inputs[name] = { iv, data };
      return true;
    });
  if (!ok) {
    throw new SealedInputError("", "the sealed secret inputs of the run are not readable");
  }
  return { keyId, inputs };
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new SyntaxError("not base64");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
