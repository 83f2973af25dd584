/**
 * Self-checking journal records (journal format 2). Each event is one line that is still one
 * JSON document, `{"n":<bytes>,"crc32":"<hex>","e":<event>}`, where `n` is the UTF-8 length of
 * the event's JSON text and `crc32` the CRC-32 (zlib's) of the JSON texts of every event of the
 * journal up to this one: the checksums are chained, so a record dropped, copied or moved is
 * caught as well as a damaged one. The meta document is framed the same way (its own CRC-32),
 * `{"format":2,"n":…,"crc32":"…","meta":<meta>}`. A record is accepted only when its length
 * and checksum match the bytes between the frame's prefix and its closing `}`: a torn write, a
 * flipped byte, a line of garbage or two lines run together are all told apart from a good
 * record, and nothing is guessed.
 *
 * Journals of format 1 (plain JSON lines, no checksums) are still read: a line that is not an
 * event is damage there too, except a torn last line.
 *
 * Reading rules (`parseJournal` in `codec.ts`): bytes after the last newline are a torn last
 * record (a write cut by a crash, never acknowledged) and are ignored; any other record that
 * does not check makes the whole journal damaged, with the reason.
 *
 * @module
 */
import { crc32 } from "node:zlib";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The CRC-32 of some bytes, continuing from `chain` (the CRC of what came before), as a number. */
export function crc32Of(bytes: Uint8Array, chain = 0): number {
  return crc32(bytes, chain) >>> 0;
}

function hex(crc: number): string {
  return crc.toString(16).padStart(8, "0");
}

/** The start of a framed record before its length: `{"n":` or `{"format":2,"n":`. */
function prefixOf(head: string): string {
  return `{${head}"n":`;
}

/**
 * A JSON text framed with its length and checksum under `key` (`e` for events, `meta` for the
 * meta document), without a final newline. The checksum continues from `chain` (the checksum of
 * the record before, 0 for the first); the record's own is returned beside the text.
 *
 * @example
 * ```ts
 * frame('{"type":"step-skipped"}', "e").text; // {"n":23,"crc32":"…","e":{"type":"step-skipped"}}
 * ```
 */
export function frame(
  json: string,
  key: string,
  o: { head?: string; chain?: number } = {},
): { text: string; crc: number } {
  const bytes = encoder.encode(json);
  const crc = crc32Of(bytes, o.chain ?? 0);
  const text = `${prefixOf(o.head ?? "")}${bytes.length},"crc32":"${hex(crc)}",${
    JSON.stringify(key)
  }:${json}}`;
  return { text, crc };
}

/** What {@link unframe} found: the inner JSON text, or why the record is not one. */
export type Unframed = { ok: true; json: string; crc: number } | { ok: false; reason: string };

/**
 * The JSON text inside a framed record (`line` without its newline), checked against its
 * length and checksum.
 */
export function unframe(
  line: Uint8Array,
  key: string,
  o: { head?: string; chain?: number } = {},
): Unframed {
  const prefix = encoder.encode(prefixOf(o.head ?? ""));
  if (!startsWith(line, prefix, 0)) return { ok: false, reason: "not a journal record" };
  let at = prefix.length;
  let n = 0;
  const digitsStart = at;
  while (at < line.length && line[at]! >= 0x30 && line[at]! <= 0x39 && at - digitsStart < 10) {
    n = n * 10 + (line[at]! - 0x30);
    at++;
  }
  if (at === digitsStart) return { ok: false, reason: "not a journal record (no length)" };
  const middle = encoder.encode(`,"crc32":"`);
  if (!startsWith(line, middle, at)) return { ok: false, reason: "not a journal record" };
  at += middle.length;
  const written = new TextDecoder().decode(line.subarray(at, at + 8));
  if (!/^[0-9a-f]{8}$/.test(written)) {
    return { ok: false, reason: "not a journal record (checksum)" };
  }
  at += 8;
  const tail = encoder.encode(`",${JSON.stringify(key)}:`);
  if (!startsWith(line, tail, at)) return { ok: false, reason: "not a journal record" };
  at += tail.length;
  const end = line.length - 1;
  if (end - at !== n || line[end] !== 0x7d) {
    return { ok: false, reason: `length ${n} does not match the record (${end - at} bytes)` };
  }
  const body = line.subarray(at, end);
  const crc = crc32Of(body, o.chain ?? 0);
  if (hex(crc) !== written) return { ok: false, reason: "checksum mismatch" };
  try {
    return { ok: true, json: decoder.decode(body), crc };
  } catch {
    return { ok: false, reason: "not UTF-8" };
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
