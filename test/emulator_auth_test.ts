/**
 * The emulator's request authentication over real loopback HTTP (the in-process checks are in
 * `lib/emulator/emulator_test.ts`): tampered bodies, headers and signatures, expired and future
 * timestamps, a request replayed after its 5-minute window, unknown and wrong keys, a session
 * token; each answered with the exact `AuthFailure.*` code in an HTTP 200 envelope, and none
 * of them changing any state.
 */
import assert from "node:assert/strict";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { parseJson, stringifyJson } from "../lib/json.ts";
import { type Credential, signTc3 } from "../lib/tencent/signer.ts";

const T0_MS = Date.UTC(2026, 4, 20, 23, 58, 0); // two minutes before a UTC date change
const TARGET = "rmq-72mo3a9o";
const OTHER: Credential = { secretId: "AKIDAUTHTEST00000000000000000000000", secretKey: "auth-k" };

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

async function setup() {
  let nowMs = T0_MS;
  const server = await serveEmulator({ port: 0, now: () => nowMs, credentials: [OTHER] });
  const host = new URL(server.url).host;

  /** Signs a trocket call as the SDKs do; `signedHeaders` adds to content-type and host. */
  const sign = async (
    action: string,
    params: unknown,
    o: { timestampS?: number; credential?: Credential; signedHeaders?: string[] } = {},
  ): Promise<Sent> => {
    const body = new TextEncoder().encode(stringifyJson(params));
    const headers = await signTc3({
      method: "POST",
      host,
      path: "/",
      contentType: "application/json; charset=utf-8",
      body,
      service: "trocket",
      action,
      version: "2023-03-08",
      region: "ap-guangzhou",
      timestampS: o.timestampS ?? Math.floor(nowMs / 1000),
      ...(o.signedHeaders ? { signedHeaders: o.signedHeaders } : {}),
    }, o.credential ?? DEMO_CREDENTIAL);
    delete headers.Host; // fetch sends the URL's host
    return { url: `${server.url}/`, headers, body };
  };

  /** Sends over loopback; returns the `Response` object of the envelope. */
  const send = async (sent: Sent): Promise<Record<string, unknown>> => {
    const response = await fetch(sent.url, {
      method: "POST",
      headers: sent.headers,
      body: sent.body as BodyInit,
    });
    assert.equal(response.status, 200);
    const doc = parseJson(await response.text(), "auto") as { Response: Record<string, unknown> };
    assert.match(String(doc.Response.RequestId), /^[0-9a-f-]{36}$/);
    return doc.Response;
  };
  const code = (r: Record<string, unknown>) => (r.Error as { Code?: string } | undefined)?.Code;
  return {
    server,
    sign,
    send,
    code,
    advance: (ms: number) => (nowMs += ms),
    topics: () => stringifyJson(server.emulator.state().trocket),
  };
}

const CREATE = { InstanceId: TARGET, Topic: "auth-probe", TopicType: "NORMAL", QueueNum: 3 };

Deno.test("loopback: tampered body, headers and signature are AuthFailure.SignatureFailure", async () => {
  const { server, sign, send, code, topics } = await setup();
  try {
    const before = topics();
    const good = await sign("CreateTopic", CREATE);

    const body = new TextEncoder().encode(
      new TextDecoder().decode(good.body).replace("auth-probe", "auth-prob3"),
    );
    assert.equal(code(await send({ ...good, body })), "AuthFailure.SignatureFailure");

    const extraByte = new Uint8Array([...good.body, 0x20]);
    assert.equal(code(await send({ ...good, body: extraByte })), "AuthFailure.SignatureFailure");

    const signature = good.headers.Authorization!.replace(
      /Signature=([0-9a-f])/,
      (_, c: string) => `Signature=${c === "0" ? "1" : "0"}`,
    );
    assert.equal(
      code(await send({ ...good, headers: { ...good.headers, Authorization: signature } })),
      "AuthFailure.SignatureFailure",
    );

    // The timestamp is part of the string to sign: moving it by one second breaks it.
    const moved = String(Number(good.headers["X-TC-Timestamp"]) - 1);
    assert.equal(
      code(await send({ ...good, headers: { ...good.headers, "X-TC-Timestamp": moved } })),
      "AuthFailure.SignatureFailure",
    );

    // A different content type than the signed one.
    assert.equal(
      code(
        await send({ ...good, headers: { ...good.headers, "Content-Type": "application/json" } }),
      ),
      "AuthFailure.SignatureFailure",
    );

    // When the client signs X-TC-Action, swapping the action is caught too.
    const signedAction = await sign("DescribeTopicList", { InstanceId: TARGET }, {
      signedHeaders: ["content-type", "host", "x-tc-action"],
    });
    assert.equal(code(await send(signedAction)), undefined);
    assert.equal(
      code(
        await send({
          ...signedAction,
          headers: { ...signedAction.headers, "X-TC-Action": "DescribeTopic" },
        }),
      ),
      "AuthFailure.SignatureFailure",
    );

    // A signature for another service's scope.
    const scope = good.headers.Authorization!.replace("/trocket/", "/apigateway/");
    assert.equal(
      code(await send({ ...good, headers: { ...good.headers, Authorization: scope } })),
      "AuthFailure.SignatureFailure",
    );

    assert.equal(topics(), before, "no rejected request changed any state");
    assert.equal(code(await send(good)), undefined, "the untampered request is accepted");
    assert.notEqual(topics(), before);
  } finally {
    await server.close();
  }
});

Deno.test("loopback: timestamps outside ±300 s are AuthFailure.SignatureExpire", async () => {
  const { server, sign, send, code } = await setup();
  try {
    const nowS = Math.floor(T0_MS / 1000);
    const read = { InstanceId: TARGET };
    const at = async (timestampS: number) =>
      code(await send(await sign("DescribeTopicList", read, { timestampS })));
    assert.equal(await at(nowS - 301), "AuthFailure.SignatureExpire");
    assert.equal(await at(nowS + 301), "AuthFailure.SignatureExpire");
    assert.equal(await at(nowS - 86_400), "AuthFailure.SignatureExpire");
    assert.equal(await at(0), "AuthFailure.SignatureExpire");
    assert.equal(await at(nowS - 300), undefined);
    assert.equal(await at(nowS + 300), undefined, "a signature dated on the next UTC day is fine");
    // Not a number of seconds at all.
    const good = await sign("DescribeTopicList", read);
    const bad = await send({ ...good, headers: { ...good.headers, "X-TC-Timestamp": "1e9" } });
    assert.equal(code(bad), "InvalidParameterValue");
  } finally {
    await server.close();
  }
});

Deno.test("loopback: a request replayed after its window is AuthFailure.SignatureExpire", async () => {
  const { server, sign, send, code, advance, topics } = await setup();
  try {
    const create = await sign("CreateTopic", { ...CREATE, Topic: "replayed" });
    assert.equal(code(await send(create)), undefined);
    const afterFirst = topics();
    // Inside the window the protocol has no nonce: a replay reaches the API, which refuses a
    // second create of the same topic by itself.
    advance(299_000);
    const replayed = code(await send(create)) ?? "accepted";
    assert.ok(!replayed.startsWith("AuthFailure") && replayed !== "accepted", replayed);
    advance(2_000); // 301 s after signing
    assert.equal(code(await send(create)), "AuthFailure.SignatureExpire");
    const read = await sign("DescribeTopicList", { InstanceId: TARGET });
    advance(10 * 60_000);
    assert.equal(code(await send(read)), "AuthFailure.SignatureExpire");
    assert.equal(topics(), afterFirst, "replays changed nothing");
    const outcomes = server.emulator.calls().map((c) => c.outcome);
    assert.equal(outcomes.at(-1), "AuthFailure.SignatureExpire");
    assert.equal(outcomes.at(-2), "AuthFailure.SignatureExpire");
  } finally {
    await server.close();
  }
});

Deno.test("loopback: unknown SecretId, wrong key, malformed or missing Authorization", async () => {
  const { server, sign, send, code } = await setup();
  try {
    const read = { InstanceId: TARGET };
    const unknown = await sign("DescribeTopicList", read, {
      credential: { secretId: "AKIDNOBODY0000000000000000000000000", secretKey: "x" },
    });
    const answer = await send(unknown);
    assert.equal(code(answer), "AuthFailure.SecretIdNotFound");
    assert.equal(
      code(
        await send(
          await sign("DescribeTopicList", read, {
            credential: { secretId: DEMO_CREDENTIAL.secretId, secretKey: OTHER.secretKey },
          }),
        ),
      ),
      "AuthFailure.SignatureFailure",
    );
    // A --credential pair is accepted; its key does not open the demo id.
    assert.equal(
      code(await send(await sign("DescribeTopicList", read, { credential: OTHER }))),
      undefined,
    );

    const good = await sign("DescribeTopicList", read);
    for (
      const authorization of [
        "",
        "Bearer abc",
        "TC3-HMAC-SHA256 Credential=AKID/2026-05-20/trocket/tc3_request",
        good.headers.Authorization!.replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1"),
        good.headers.Authorization!.replace(/Signature=[0-9a-f]+/, "Signature=zz"),
      ]
    ) {
      const headers = { ...good.headers, Authorization: authorization };
      assert.equal(
        code(await send({ ...good, headers })),
        "AuthFailure.InvalidAuthorization",
        authorization,
      );
    }
    const { Authorization: _, ...bare } = good.headers;
    assert.equal(code(await send({ ...good, headers: bare })), "AuthFailure.InvalidAuthorization");

    // SignedHeaders without host: refused even with a correct HMAC over what it names.
    const noHost = good.headers.Authorization!.replace(
      "SignedHeaders=content-type;host",
      "SignedHeaders=content-type",
    );
    assert.equal(
      code(await send({ ...good, headers: { ...good.headers, Authorization: noHost } })),
      "AuthFailure.SignatureFailure",
    );
    // No error message quotes a secret key.
    const log = stringifyJson(server.emulator.calls());
    assert.ok(!log.includes(DEMO_CREDENTIAL.secretKey) && !log.includes(OTHER.secretKey));
  } finally {
    await server.close();
  }
});
