import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { verifyTencentRequest } from "../emulator/verify.ts";
import {
  encodeRfc3986,
  encodeV1Params,
  signedV1Url,
  signV1,
  signV1Params,
  type V1Algorithm,
  v1StringToSign,
} from "./signer_v1.ts";

// The v1 example of tools/seeds/apigateway-2018-08-08-api.txt ("签名方法", section 2). Its masked
// SecretId/SecretKey are literal strings of `*`, and they give the printed signature.
const SEED_ID = "AKID" + "*".repeat(32);
const SEED_KEY = "*".repeat(32);
const SEED_PARAMS: Record<string, string> = {
  Action: "DescribeInstances",
  SecretId: SEED_ID,
  Timestamp: "1465185768",
  Nonce: "11886",
  Region: "ap-guangzhou",
  "InstanceIds.0": "ins-09dx96dg",
  Offset: "0",
  Limit: "20",
  Version: "2017-03-12",
};
const SEED_TARGET = { method: "GET", host: "cvm.tencentcloudapi.com", path: "/" } as const;

Deno.test("seed v1 example: string to sign and HmacSHA1 signature", async () => {
  assert.equal(
    v1StringToSign(SEED_PARAMS, SEED_TARGET),
    `GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=${SEED_ID}&Timestamp=1465185768&Version=2017-03-12`,
  );
  assert.equal(
    await signV1(SEED_PARAMS, { ...SEED_TARGET, secretKey: SEED_KEY, algorithm: "HmacSHA1" }),
    "7RAM2xfNMO9EiVTNmPg06MRnCvQ=",
  );
});

Deno.test("seed v1 example: the seed's final GET URL verifies", async () => {
  const url = new URL(
    `https://cvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=${SEED_ID}&Signature=7RAM2xfNMO9EiVTNmPg06MRnCvQ%3D&Timestamp=1465185768&Version=2017-03-12`,
  );
  const verdict = await verifyTencentRequest(
    { method: "GET", url, headers: new Headers({ host: url.host }), body: new Uint8Array() },
    { lookupSecret: (id) => (id === SEED_ID ? SEED_KEY : undefined), nowS: 1465185768 },
  );
  assert.equal(verdict.ok, true);
  assert.deepEqual(
    [verdict.scheme, verdict.service, verdict.action, verdict.version, verdict.region],
    ["HmacSHA1", "cvm", "DescribeInstances", "2017-03-12", "ap-guangzhou"],
  );
  assert.equal(verdict.params?.["InstanceIds.0"], "ins-09dx96dg");
  assert.equal(verdict.params?.Signature, undefined);
});

// The SDK's own v1 pieces: `Sign.sign` and `AbstractClient#formatSignString`.
const require = createRequire(import.meta.url);
const Sign = require("tencentcloud-sdk-nodejs/tencentcloud/common/sign.js").default as {
  sign(secretKey: string, signStr: string, method: string): string;
};
const { AbstractClient } = require(
  "tencentcloud-sdk-nodejs/tencentcloud/common/abstract_client.js",
) as {
  AbstractClient: { prototype: { formatSignString(params: Record<string, string>): string } };
};

function sdkV1Signature(
  params: Record<string, string>,
  target: { method: string; host: string; path: string },
  secretKey: string,
  algorithm: V1Algorithm,
): string {
  const client = {
    profile: { httpProfile: { reqMethod: target.method } },
    endpoint: target.host,
    path: target.path,
  };
  const signStr = AbstractClient.prototype.formatSignString.call(client, params);
  return Sign.sign(secretKey, signStr, algorithm);
}

Deno.test("signV1 agrees with the SDK's v1 signer on 400 varied requests", async () => {
  const texts = ["", "a b", "未命名", "x&y=z", "100%", "😀", "+/=", "ins-09dx96dg", "\n"];
  for (let i = 0; i < 400; i++) {
    const algorithm: V1Algorithm = i % 2 ? "HmacSHA256" : "HmacSHA1";
    const method = i % 3 ? "GET" : "POST";
    const host = i % 5 ? "cvm.tencentcloudapi.com" : `127.0.0.1:${4000 + i}`;
    const params: Record<string, string> = {
      Action: `Action${i}`,
      Nonce: String(i * 7919),
      Timestamp: String(1_700_000_000 + i),
      SignatureMethod: algorithm,
      [`Filters.${i % 13}.Name`]: texts[i % texts.length]!,
      [`Values.${i % 7}`]: texts[(i * 3) % texts.length]!,
    };
    const target = { method, host, path: "/" } as const;
    const secretKey = i % 4 ? `key-${i}` : `密钥-${i}`;
    assert.equal(
      await signV1(params, { ...target, secretKey, algorithm }),
      sdkV1Signature(params, target, secretKey, algorithm),
      `request ${i}`,
    );
  }
});

Deno.test("encodeRfc3986 encodes reserved characters with upper-case hex", () => {
  assert.equal(
    encodeRfc3986("a b!'()*~-._+/=&未"),
    "a%20b%21%27%28%29%2A~-._%2B%2F%3D%26%E6%9C%AA",
  );
});

const CRED = { secretId: "AKIDV1TEST", secretKey: "v1-secret" };
const NOW_S = 1_700_000_000;
const VERIFY = {
  lookupSecret: (id: string) => (id === CRED.secretId ? CRED.secretKey : undefined),
  nowS: NOW_S,
};

async function v1Request(
  method: "GET" | "POST",
  algorithm: V1Algorithm,
  opts: { timestampS?: number; cred?: typeof CRED; tamper?: (p: Record<string, string>) => void } =
    {},
) {
  const params = await signV1Params({
    method,
    host: "localhost:4566",
    action: "DescribeTopicList",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: opts.timestampS ?? NOW_S,
    nonce: 4242,
    algorithm,
    params: {
      InstanceId: "rmq-72mo3a9o",
      "Filters.0.Name": "主题 a+b",
      "Filters.0.Values.0": "x&y=z",
    },
  }, opts.cred ?? CRED);
  opts.tamper?.(params);
  const encoded = encodeV1Params(params);
  const headers = new Headers({ host: "localhost:4566" });
  if (method === "GET") {
    return {
      method,
      url: new URL(`http://localhost:4566/?${encoded}`),
      headers,
      body: new Uint8Array(),
    };
  }
  headers.set("content-type", "application/x-www-form-urlencoded");
  return {
    method,
    url: new URL("http://localhost:4566/"),
    headers,
    body: new TextEncoder().encode(encoded),
  };
}

Deno.test("v1 GET and form POST, HmacSHA1 and HmacSHA256, verify", async () => {
  for (const method of ["GET", "POST"] as const) {
    for (const algorithm of ["HmacSHA1", "HmacSHA256"] as const) {
      const verdict = await verifyTencentRequest(await v1Request(method, algorithm), VERIFY);
      assert.equal(verdict.ok, true, `${method} ${algorithm}: ${JSON.stringify(verdict)}`);
      assert.equal(verdict.scheme, algorithm);
      assert.equal(verdict.action, "DescribeTopicList");
      assert.equal(verdict.params?.["Filters.0.Name"], "主题 a+b");
    }
  }
});

Deno.test("v1 verification failures carry Tencent's codes", async () => {
  const codeOf = async (request: Awaited<ReturnType<typeof v1Request>>) => {
    const verdict = await verifyTencentRequest(request, VERIFY);
    return verdict.ok ? "ok" : verdict.code;
  };
  for (const method of ["GET", "POST"] as const) {
    assert.equal(
      await codeOf(
        await v1Request(method, "HmacSHA256", { tamper: (p) => (p.InstanceId = "rmq-other") }),
      ),
      "AuthFailure.SignatureFailure",
    );
    assert.equal(
      await codeOf(await v1Request(method, "HmacSHA1", { cred: { ...CRED, secretKey: "wrong" } })),
      "AuthFailure.SignatureFailure",
    );
    // Signed with HmacSHA256 but claiming HmacSHA1.
    assert.equal(
      await codeOf(
        await v1Request(method, "HmacSHA256", { tamper: (p) => (p.SignatureMethod = "HmacSHA1") }),
      ),
      "AuthFailure.SignatureFailure",
    );
    assert.equal(
      await codeOf(await v1Request(method, "HmacSHA1", { timestampS: NOW_S - 301 })),
      "AuthFailure.SignatureExpire",
    );
    assert.equal(
      await codeOf(
        await v1Request(method, "HmacSHA1", { cred: { ...CRED, secretId: "AKIDNOPE" } }),
      ),
      "AuthFailure.SecretIdNotFound",
    );
    assert.equal(
      await codeOf(await v1Request(method, "HmacSHA1", { tamper: (p) => delete p.Nonce })),
      "MissingParameter",
    );
    assert.equal(
      await codeOf(await v1Request(method, "HmacSHA1", { tamper: (p) => delete p.Action })),
      "MissingParameter",
    );
  }
  // A form POST without the form content type is not a v1 request.
  const post = await v1Request("POST", "HmacSHA1");
  post.headers.set("content-type", "application/json");
  assert.equal(await codeOf(post), "AuthFailure.InvalidAuthorization");
});

Deno.test("signedV1Url builds a URL that verifies, with secrets kept out", async () => {
  const url = await signedV1Url(
    {
      host: "trocket.tencentcloudapi.com",
      action: "DescribeInstanceList",
      version: "2023-03-08",
      region: "ap-guangzhou",
      timestampS: NOW_S,
      nonce: 1,
      algorithm: "HmacSHA256",
      params: { Limit: "10" },
    },
    { ...CRED, token: "tmp-token" },
    { protocol: "http" },
  );
  assert.match(url, /^http:\/\/trocket\.tencentcloudapi\.com\/\?/);
  assert.equal(url.includes(CRED.secretKey), false);
  const parsed = new URL(url);
  assert.equal(parsed.searchParams.get("Token"), "tmp-token");
  const verdict = await verifyTencentRequest(
    {
      method: "GET",
      url: parsed,
      headers: new Headers({ host: parsed.host }),
      body: new Uint8Array(),
    },
    VERIFY,
  );
  assert.deepEqual([verdict.ok, verdict.service, verdict.token], [true, "trocket", "tmp-token"]);
});
