/**
 * Private WebCrypto helpers shared by the Tencent (TC3, v1) and Huawei signers: UTF-8, hex,
 * base64, SHA-256, HMAC and a constant-time string comparison. `crypto.subtle` only.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Bytes WebCrypto accepts (a view over a plain `ArrayBuffer`). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** UTF-8 bytes of a string. */
export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

/** The bytes as a WebCrypto-acceptable view (copies only when backed by a shared buffer). */
export function asBytes(data: Uint8Array): Bytes {
  return data.buffer instanceof ArrayBuffer ? data as Bytes : new Uint8Array(data);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes. */
export function toHex(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let out = "";
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** Standard base64 (with padding) of the bytes. */
export function toBase64(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Lower-case hex SHA-256 of the bytes (strings are hashed as UTF-8). */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? utf8(data) : asBytes(data);
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** Imports raw key bytes (strings as UTF-8) as an HMAC signing key. */
export function hmacKey(
  raw: ArrayBuffer | Uint8Array | string,
  hash: "SHA-256" | "SHA-1",
): Promise<CryptoKey> {
  const bytes = typeof raw === "string"
    ? utf8(raw)
    : raw instanceof Uint8Array
    ? asBytes(raw)
    : raw;
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash }, false, ["sign"]);
}

/** HMAC of the message (strings as UTF-8) under the key. */
export function hmac(key: CryptoKey, message: Uint8Array | string): Promise<ArrayBuffer> {
  const bytes = typeof message === "string" ? utf8(message) : asBytes(message);
  return crypto.subtle.sign("HMAC", key, bytes);
}

/** HMAC-SHA256 with raw key bytes, returning raw bytes (one derivation step). */
export async function hmacSha256Raw(
  raw: ArrayBuffer | Uint8Array | string,
  message: string,
): Promise<ArrayBuffer> {
  return hmac(await hmacKey(raw, "SHA-256"), message);
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
