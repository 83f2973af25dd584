/**
 * Sealed outputs: the journal records step outputs with their secrets as `***`, which a resumed
 * run cannot use. When redaction changed a step's outputs, the journal also keeps them as they
 * were, encrypted with AES-256-GCM under a key derived (HKDF-SHA-256) from the run's secrets —
 * the secret inputs, SecretKey and token it was started with — and its run id. `resume` is given
 * the same secrets again (`--input`, the environment or profile), derives the same key and opens
 * them; with other secrets they stay closed and the redacted values stand.
 *
 * `crypto.subtle` only. The step id is the additional authenticated data, so sealed outputs
 * cannot be moved to another step.
 *
 * @module
 */
import { parseJson, stringifyJson } from "../json.ts";
import { toBase64 } from "../crypto.ts";

/** Outputs sealed for `resume`: base64 of the AES-GCM IV and ciphertext. */
export interface Sealed {
  /** The 12-byte initialisation vector, base64. */
  iv: string;
  /** The ciphertext with its 16-byte authentication tag, base64. */
  data: string;
}

/**
 * {@link Sealed} as an object of its own class: redaction copies plain objects only, so it
 * leaves the ciphertext whole; in JSON it is a plain `{iv, data}`.
 */
export class SealedOutputs implements Sealed {
  /** The fields, base64. */
  constructor(readonly iv: string, readonly data: string) {}

  /** The plain `{iv, data}` written to the journal. */
  toJSON(): Sealed {
    return { iv: this.iv, data: this.data };
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const INFO = encoder.encode("tcflow sealed outputs v1");

/**
 * The sealing key of a run: HKDF-SHA-256 of its secrets (sorted, without duplicates and values
 * shorter than 3 characters), salted with the run id. `undefined` without secrets.
 *
 * @example
 * ```ts
 * import { sealingKey } from "./seal.ts";
 * const key = await sealingKey(["s3cr3t-key"], "run-1");
 * console.log(key?.algorithm.name); // "AES-GCM"
 * ```
 */
export async function sealingKey(
  secrets: Iterable<string>,
  runId: string,
): Promise<CryptoKey | undefined> {
  const material = [...new Set([...secrets].filter((s) => s.length >= 3))].sort();
  if (material.length === 0) return undefined;
  const base = await crypto.subtle.importKey(
    "raw",
    encoder.encode(material.join("\u0000")),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode(runId), info: INFO },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts a step's outputs (integers exact) for the journal. */
export async function seal(key: CryptoKey, stepId: string, outputs: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(stepId) },
    key,
    encoder.encode(stringifyJson(outputs)),
  );
  return new SealedOutputs(toBase64(iv), toBase64(new Uint8Array(data)));
}

/** The outputs a step sealed, or `undefined` when this key does not open them. */
export async function unseal(
  key: CryptoKey,
  stepId: string,
  sealed: Sealed,
): Promise<{ outputs: unknown } | undefined> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(sealed.iv), additionalData: encoder.encode(stepId) },
      key,
      fromBase64(sealed.data),
    );
    return { outputs: parseJson(decoder.decode(plain), "bigint") };
  } catch {
    return undefined; // other secrets, or a damaged record: the redacted outputs stand
  }
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
