import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createTencentClient } from "../tencent/client.ts";
import { classifyError, TencentApiError } from "../tencent/errors.ts";
import { createProviderClient } from "../protocol/client.ts";
import { createTencentProvider, tencentProvider } from "./tencent.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const never = () => new Promise<void>(() => {});

Deno.test("the Tencent provider owns unprefixed and tencentcloud/ services and reads the catalog", () => {
  assert.equal(tencentProvider.name, "tencentcloud");
  assert.ok(tencentProvider.ownsService("trocket"));
  assert.ok(tencentProvider.ownsService("tencentcloud/trocket"));
  assert.ok(!tencentProvider.ownsService("huaweicloud/cph"));
  assert.equal(tencentProvider.findAction("huaweicloud/cph", "ListEncodeServers"), undefined);
  const spec = tencentProvider.findAction("tencentcloud/trocket", "DescribeTopicList");
  assert.equal(spec?.service, "trocket");
  assert.equal(spec?.version, "2023-03-08");
  assert.deepEqual(tencentProvider.versions("trocket"), ["2023-03-08"]);
  assert.deepEqual(tencentProvider.versions("nosuchservice"), []);
  assert.equal(tencentProvider.serviceVersion("trocket")?.version, "2023-03-08");
  assert.equal(tencentProvider.serviceVersion("trocket", "1999-01-01"), undefined);
  assert.equal(
    tencentProvider.findStructure("trocket", "2023-03-08", "TopicItem")?.name,
    "TopicItem",
  );
  assert.equal(
    tencentProvider.actionSuggestion("trocket", "DescribeTopicLst"),
    "DescribeTopicList",
  );
  assert.equal(tencentProvider.serviceSuggestion("trockt"), "trocket");
  assert.equal(tencentProvider.keyId(DEMO_CREDENTIAL), DEMO_CREDENTIAL.secretId);
  assert.doesNotMatch(tencentProvider.credentialsHint, /AKID/);
});

Deno.test("endpoints: global, regional, and an endpoint URL", () => {
  assert.equal(
    tencentProvider.endpoint({ service: "trocket", region: "ap-guangzhou" }).host,
    "trocket.tencentcloudapi.com",
  );
  const regional = createTencentProvider({ regionalEndpoints: true });
  assert.equal(
    regional.endpoint({ service: "tencentcloud/trocket", region: "ap-guangzhou" }).host,
    "trocket.ap-guangzhou.tencentcloudapi.com",
  );
  const local = tencentProvider.endpoint({
    service: "trocket",
    region: "ap-guangzhou",
    endpointUrl: "http://127.0.0.1:9/api/",
  });
  assert.equal(local.url.href, "http://127.0.0.1:9/api/");
  assert.equal(local.host, "127.0.0.1:9");
  assert.throws(() => tencentProvider.endpoint({ service: "bad name", region: "" }), TypeError);
});

Deno.test("round trip against the emulator through createProviderClient", async () => {
  const emulator = createEmulator({ now: () => NOW });
  const client = createProviderClient({
    provider: tencentProvider,
    deps: { now: () => NOW, sleep: never, fetch: (request) => emulator.handle(request) },
    credential: DEMO_CREDENTIAL,
  });
  assert.equal(client.keyId, DEMO_CREDENTIAL.secretId);
  const list = tencentProvider.findAction("trocket", "DescribeInstanceList")!;
  const { response, requestId, httpStatus } = await client.call(list, "ap-guangzhou", {
    Offset: 0,
    Limit: 10,
  });
  assert.equal(httpStatus, 200);
  assert.ok(requestId.length > 0);
  assert.equal(typeof response.TotalCount, "bigint");
  assert.ok(Array.isArray(response.Data));
  assert.equal(BigInt((response.Data as unknown[]).length), response.TotalCount);
  assert.equal("RequestId" in response, false);

  const topics = tencentProvider.findAction("trocket", "DescribeTopicList")!;
  const error = await client.call(topics, "ap-guangzhou", { InstanceId: "rmq-missing" }).then(
    () => assert.fail("expected an API error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TencentApiError);
  assert.match(error.code, /^ResourceNotFound/);
  assert.ok(tencentProvider.ownsError(error));
  assert.equal(tencentProvider.classifyError(error), "never");
  assert.equal(tencentProvider.classifyError(error, ["ResourceNotFound*"]), "retry");

  // A wrong key is refused by the emulator's signature check: the signature is real.
  const wrong = createProviderClient({
    provider: tencentProvider,
    deps: { now: () => NOW, sleep: never, fetch: (request) => emulator.handle(request) },
    credential: { secretId: DEMO_CREDENTIAL.secretId, secretKey: "not-the-key" },
  });
  await assert.rejects(
    wrong.call(list, "ap-guangzhou", { Offset: 0, Limit: 1 }),
    (e: unknown) => e instanceof TencentApiError && e.code === "AuthFailure.SignatureFailure",
  );
});

/** The request a Tencent client sends, captured by a fake `fetch`. */
async function clientRequest(
  options: { clientToken?: string; language?: string; regional?: boolean; token?: string },
): Promise<{ url: string; headers: Record<string, string>; body: string }> {
  let captured: Request | undefined;
  const client = createTencentClient({
    deps: {
      now: () => NOW,
      sleep: never,
      fetch: (request) => {
        captured = request;
        return Promise.resolve(
          new Response('{"Response":{"RequestId":"r-1","Ok":true}}', { status: 200 }),
        );
      },
    },
    credential: { ...DEMO_CREDENTIAL, ...(options.token ? { token: options.token } : {}) },
    ...(options.regional ? { regionalEndpoints: true } : {}),
    ...(options.language ? { language: options.language } : {}),
  });
  await client.call(
    "trocket",
    "CreateTopic",
    "2023-03-08",
    "ap-shanghai",
    { InstanceId: "rmq-1", Topic: "t", TopicType: "NORMAL", QueueNum: 3, Big: 2n ** 63n - 1n },
    options.clientToken ? { clientToken: options.clientToken } : {},
  );
  assert.ok(captured);
  return {
    url: captured.url,
    headers: Object.fromEntries(captured.headers),
    body: await captured.text(),
  };
}

Deno.test("differential: the provider signs exactly what createTencentClient sends", async () => {
  const cases = [
    {},
    { clientToken: "tok-1" },
    { language: "en-US", regional: true, token: "session-token" },
  ];
  for (const options of cases) {
    const expected = await clientRequest(options);
    const provider = createTencentProvider({
      ...(options.regional ? { regionalEndpoints: true } : {}),
      ...(options.language ? { language: options.language } : {}),
    });
    const spec = provider.findAction("trocket", "CreateTopic")!;
    const request = await provider.buildRequest({
      spec,
      region: "ap-shanghai",
      params: {
        InstanceId: "rmq-1",
        Topic: "t",
        TopicType: "NORMAL",
        QueueNum: 3,
        Big: 2n ** 63n - 1n,
      },
      credential: { ...DEMO_CREDENTIAL, ...(options.token ? { token: options.token } : {}) },
      endpoint: provider.endpoint({ service: spec.service, region: "ap-shanghai" }),
      timestampMs: NOW,
      clientToken: options.clientToken,
    });
    const actual = {
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    };
    assert.deepEqual(actual, expected, JSON.stringify(options));
    assert.match(actual.body, /"Big":9223372036854775807/);
    assert.equal(actual.body.includes('"ClientToken":"tok-1"'), options.clientToken !== undefined);
  }
});

Deno.test("parseResponse: results, API errors and unreadable answers, as the client reads them", () => {
  const spec = tencentProvider.findAction("trocket", "DescribeTopicList")!;
  const ok = tencentProvider.parseResponse({
    status: 200,
    headers: new Headers(),
    text: '{"Response":{"TotalCount":9007199254740993,"Data":[],"RequestId":"r-2"}}',
  }, spec);
  assert.ok(ok.ok);
  assert.equal(ok.result.requestId, "r-2");
  assert.equal(ok.result.response.TotalCount, 9007199254740993n);

  const limited = tencentProvider.parseResponse({
    status: 200,
    headers: new Headers(),
    text:
      '{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r-3"}}',
  }, spec);
  assert.ok(!limited.ok);
  assert.equal(limited.error.code, "RequestLimitExceeded");
  assert.equal(limited.error.requestId, "r-3");
  assert.equal(tencentProvider.classifyError(limited.error), "retry");
  assert.equal(tencentProvider.classifyError(limited.error), classifyError(limited.error));

  const gateway = tencentProvider.parseResponse(
    { status: 502, headers: new Headers(), text: "<html>bad gateway</html>" },
    spec,
  );
  assert.ok(!gateway.ok);
  assert.equal(gateway.error.code, "HttpStatus.502");
  assert.equal(tencentProvider.classifyError(gateway.error), "retry");
  assert.ok(!tencentProvider.ownsError(new Error("x")));
});
