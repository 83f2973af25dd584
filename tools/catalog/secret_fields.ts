/**
 * Which fields of the catalog carry a credential (PRODUCT.md section 13): a key, a password, a
 * token, a private key, a PSK, a credential, judged from the field's name and its
 * documentation (mostly Chinese: 密钥 secret key, 私钥 private key, 密码/口令 password, 令牌 token,
 * 凭证/凭据 credential). The generator marks them `secret: true`; a run makes their values
 * secrets as the answer arrives.
 *
 * Not credentials: names that end in an identifier, a name, a type, a state, a count, a time, a
 * policy or a flag (`KeyId`, `SecretName`, `TokenCount`, `PasswordPolicy`, `IsPasswordSet`);
 * paging and idempotency tokens (`NextToken`, `ClientToken`); tag and object keys (`TagKey`,
 * `Key` documented as a tag key); and anything that is not text (numbers, booleans), except a
 * structure named as a secret (`SecretKeys`).
 *
 * @module
 */

import type { Field } from "../../lib/catalog/types.ts";

/** Last words that make a field a credential by its name alone (when it is text). */
const CREDENTIAL_WORDS = new Set([
  "secret",
  "secrets",
  "password",
  "passwords",
  "passwd",
  "pwd",
  "psk",
  "token",
  "tokens",
  "credential",
  "credentials",
]);

/** Last words of a value of a credential: `SecretValue`, `KeyContent`, `PskKeyData`. */
const VALUE_WORDS = new Set(["value", "content", "plaintext", "material", "data", "string"]);

/** Words that, before a last word `key`, make it a credential key (`ApiKey`, `AuthKey`). */
const KEY_KINDS = new Set([
  "secret",
  "private",
  "api",
  "auth",
  "access",
  "sign",
  "signing",
  "signature",
  "encrypt",
  "encryption",
  "psk",
  "pre",
  "shared",
  "session",
  "hmac",
  "ssh",
  "app",
  "client",
  "master",
  "device",
  "product",
  "bgp",
  "vpn",
]);

/** Last words of fields that describe or count a credential rather than hold it. */
const NOT_VALUE_WORDS = new Set([
  "id",
  "ids",
  "name",
  "names",
  "type",
  "types",
  "status",
  "state",
  "count",
  "num",
  "number",
  "total",
  "time",
  "date",
  "expire",
  "expired",
  "expiration",
  "period",
  "policy",
  "policies",
  "length",
  "version",
  "versions",
  "alias",
  "region",
  "arn",
  "url",
  "path",
  "format",
  "algorithm",
  "usage",
  "spec",
  "mode",
  "flag",
  "enabled",
  "enable",
  "set",
  "level",
  "limit",
  "strength",
  "rule",
  "rules",
  "desc",
  "description",
  "remark",
  "tag",
  "tags",
  "source",
  "switch",
  "list",
  "info",
  "config",
  "configs",
  "method",
  "scope",
  "hint",
  "tips",
  "fingerprint",
  "md5",
  "sha1",
  "sha256",
  "hash",
  "location",
  "resource",
  "owner",
  "uin",
]);

/** First words of paging, idempotency and request tokens, flags and counts: not credentials. */
const NOT_CREDENTIAL_PREFIXES = [
  "public",
  "auto",
  "is",
  "has",
  "need",
  "enable",
  "miss",
  "max",
  "min",
  "input",
  "output",
  "total",
  "cached",
  "cache",
  "reasoning",
  "prompt",
  "completion",
  "next",
  "page",
  "client",
  "continuation",
  "pagination",
  "scroll",
  "cursor",
  "idempotency",
  "idempotent",
  "request",
  "marker",
  "offset",
  "search",
  "context",
  "sync",
];

/** Documentation that says a text holds a credential. */
const CREDENTIAL_DOC =
  /密钥|私钥|密码|口令|令牌|凭证|凭据|password|passwd|secret\s*key|private\s*key|\bpsk\b|pre-?shared|api\s*key|access\s*key|credential/i;

/** Documentation that says a field only names, counts, times or flags a credential. */
const NOT_CREDENTIAL_DOC =
  /分页|翻页|游标|幂等|标签|是否|数量|个数|次数|长度|策略|类型|状态|名称|时间|日期|有效期|过期|版本|ID\b|Id\b|标识|地址|路径|链接|url|算法|规则|复杂度|强度|提示|描述|备注|指纹|哈希|md5|sha\d*/i;

/** Documentation of a field named like a credential that is not one (a count, a cursor, a name). */
const NOT_A_CREDENTIAL_NAMED_SO =
  /分页|翻页|游标|幂等|名称|数量|总数|个数|用量|切分|指纹|标识|键名/;

/** The words of a field name, in lower case: `DevicePsk` → `["device", "psk"]`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_\-.]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/** The base type of a catalog type string (`Filter[]` → `Filter`). */
function baseType(type: string): string {
  return type.replace(/(\[\])+$/, "");
}

/**
 * Whether a field carries a credential, by its name, type and documentation.
 *
 * @example
 * ```ts
 * import { isCredentialField } from "./secret_fields.ts";
 * isCredentialField({ name: "SecretAccessKey", type: "String", required: true }); // true
 * isCredentialField({ name: "KeyId", type: "String", required: true, doc: "密钥ID" }); // false
 * ```
 */
export function isCredentialField(field: Field): boolean {
  const words = nameWords(field.name);
  const last = words.at(-1);
  if (last === undefined || NOT_VALUE_WORDS.has(last)) return false;
  if (NOT_CREDENTIAL_PREFIXES.includes(words[0]!) && words.length > 1) return false;
  const doc = field.doc ?? "";
  const base = baseType(field.type);
  if (base !== "String") {
    // A structure (or list of them) named as a secret: every text in it is.
    return base !== "Integer" && base !== "Number" && base !== "Float" && base !== "Boolean" &&
      base !== "Any" && words.some((word) => word === "secret" || word === "secrets") &&
      (last === "secret" || last === "secrets" || last === "keys" || last === "key");
  }
  if (CREDENTIAL_WORDS.has(last)) return !NOT_A_CREDENTIAL_NAMED_SO.test(doc);
  if (last === "key" || last === "keys") {
    if (words.length === 1) {
      return CREDENTIAL_DOC.test(doc) && !/标签|tag|键名/i.test(doc);
    }
    if (words.some((word) => KEY_KINDS.has(word))) return !/标签|tag\b/i.test(doc);
    return CREDENTIAL_DOC.test(doc) && !NOT_CREDENTIAL_DOC.test(doc);
  }
  if (!VALUE_WORDS.has(last)) return false;
  if (words.some((word) => CREDENTIAL_WORDS.has(word))) return !NOT_CREDENTIAL_DOC.test(doc);
  // `KeyContent`: a key's value only when the documentation says it is a secret one.
  return words.includes("key") && CREDENTIAL_DOC.test(doc) && !NOT_CREDENTIAL_DOC.test(doc);
}
