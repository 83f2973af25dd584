import assert from "node:assert/strict";
import type { Field } from "../../lib/catalog/types.ts";
import { SECRET_FIELDS_FILE } from "../gen_catalog.ts";
import { isCredentialField, nameWords } from "./secret_fields.ts";

const field = (name: string, type = "String", doc?: string): Field => ({
  name,
  type,
  required: false,
  ...(doc !== undefined ? { doc } : {}),
});

Deno.test("credential fields are found by name and documentation", () => {
  for (
    const f of [
      field("SecretAccessKey", "String", "访问密钥（密钥仅创建时可见，请妥善保存）"),
      field("DevicePsk", "String", "对称加密密钥，base64编码。"),
      field("SecretValue", "String", "密钥明文"),
      field("ApiKey", "String", "API Key 的令牌值（JWT 格式）"),
      field("KeyContent", "String", "密钥内容"),
      field("AuthKey", "String", "访问密钥。"),
      field("SecretKeys", "CNAPIGwSecretKey[]", "密钥列表"),
      field("Password"),
      field("PrivateKey", "String", "密钥对私钥。"),
      field("Token", "String", "令牌"),
      field("SessionToken"),
      field("Key", "String", "私钥"),
    ]
  ) assert.equal(isCredentialField(f), true, f.name);
});

Deno.test("fields that name, count, time or flag a credential are not secret", () => {
  for (
    const f of [
      field("KeyId", "String", "密钥ID"),
      field("SecretId", "String", "密钥ID"),
      field("SecretName", "String", "凭据名称"),
      field("TokenCount", "Integer", "token 数量"),
      field("InputTokens", "String", "输入 token 总数"),
      field("PasswordPolicy", "LoginPasswordPolicy", "密码策略"),
      field("IsPasswordSet", "Boolean", "是否设置了密码"),
      field("PasswordLength", "Integer"),
      field("NextToken", "String", "分页标记"),
      field("ClientToken", "String", "幂等"),
      field("TagKey", "String", "标签键"),
      field("Key", "String", "标签键"),
      field("Key", "String", "凭据键名（原文），如SecretId、SecretKey、Token等"),
      field("PublicKey", "String", "密钥对的纯文本公钥。"),
      field("KeyStatus", "String", "密钥状态"),
      field("SecretKeyExpireTime", "String"),
      field("AutoGeneratePassword", "String", '"YES"代表选择自动生成密码'),
      field("Secret", "String", "加密配置名称"),
    ]
  ) assert.equal(isCredentialField(f), false, `${f.name} (${f.doc ?? f.type})`);
});

Deno.test("nameWords splits camel case and acronyms", () => {
  assert.deepEqual(nameWords("DevicePsk"), ["device", "psk"]);
  assert.deepEqual(nameWords("TPNSiOSSecretKey").slice(-2), ["secret", "key"]);
  assert.deepEqual(nameWords("private_key"), ["private", "key"]);
});

Deno.test("the generated list holds the credentials of every service, and no false friends", () => {
  const root = new URL("../../", import.meta.url);
  const list = JSON.parse(Deno.readTextFileSync(new URL(SECRET_FIELDS_FILE, root))) as {
    count: number;
    fields: string[];
  };
  assert.equal(list.count, list.fields.length);
  assert.ok(list.count > 500, `only ${list.count} fields`);
  const services = new Set(list.fields.map((where) => where.split("/")[0]));
  assert.ok(services.size > 80, `only ${services.size} services`);
  for (
    const expected of [
      "cam/2019-01-16 AccessKeyDetail.SecretAccessKey",
      "iotexplorer/2019-04-23 DeviceData.DevicePsk",
      "tse/2020-12-07 CNAPIGwSecretKey.SecretValue",
      "tcb/2018-06-08 CreateApiKey.ApiKey",
      "antiddos/2020-03-09 WaterPrintKey.KeyContent",
      "tdai/2025-07-17 DescribeServiceAccessKey.AuthKey",
      "tse/2020-12-07 CNAPIGwSecretKeyList.SecretKeys",
      "apigateway/2018-08-08 ApiAppInfo.ApiAppKey",
    ]
  ) {
    const [serviceVersion, owner] = expected.split(" ");
    const service = serviceVersion!.split("/")[0];
    const found = list.fields.some((where) =>
      where.startsWith(`${service}/`) && where.endsWith(` ${owner}`)
    );
    assert.ok(found, expected);
  }
  const names = list.fields.map((where) => where.slice(where.lastIndexOf(".") + 1));
  for (
    const name of ["KeyId", "SecretId", "SecretName", "TokenCount", "NextToken", "ClientToken"]
  ) {
    assert.ok(!names.includes(name), name);
  }
  assert.ok(!names.some((name) => /Policy$|^Is|Count$|Status$|Id$/.test(name)), "a flag or id");
});
