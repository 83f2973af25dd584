import assert from "node:assert/strict";
import { createSslEmulator } from "./ssl.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const DAY_MS = 86_400_000;

async function list(
  params: Record<string, unknown>,
  nowMs?: number,
  ssl = createSslEmulator(),
): Promise<Any> {
  return await call(
    ssl,
    "DescribeCertificates",
    params,
    testContext(nowMs === undefined ? {} : { nowMs }),
  );
}

function ids(r: Any): string[] {
  return r.Certificates.map((c: Any) => c.CertificateId);
}

Deno.test("ssl DescribeCertificates: default page of 10, newest first, total of all", async () => {
  const r = await list({});
  assert.equal(r.TotalCount, 14);
  assert.equal(r.Certificates.length, 10);
  const inserted = r.Certificates.map((c: Any) => c.InsertTime);
  assert.deepEqual(inserted, [...inserted].sort().reverse());
  const all = await list({ Limit: 1000 });
  assert.equal(all.Certificates.length, 14);
  const rest = await list({ Offset: 10, Limit: 10 });
  assert.deepEqual([...ids(r), ...ids(rest)], ids(all));
  assert.equal((await list({ Offset: 20 })).Certificates.length, 0);
});

Deno.test("ssl DescribeCertificates: expiry relative to the emulator clock", async () => {
  const now = Date.UTC(2026, 10, 23, 10, 0, 0);
  const ssl = createSslEmulator();
  const expiring = await list({ FilterExpiring: 1, ExpirationSort: "ASC" }, now, ssl);
  assert.deepEqual(ids(expiring), ["Up4Rd6Ks", "Ap7Lw2Ec", "Wc5Zt8Hn"]);
  for (const c of expiring.Certificates) {
    const endMs = Date.parse(c.CertEndTime.replace(" ", "T") + "Z");
    assert.ok(endMs > now && endMs - now <= 30 * DAY_MS, c.CertEndTime);
    assert.equal(c.IsExpiring, true);
    assert.equal(c.Status, 1);
  }
  assert.equal(expiring.Certificates[1].CertEndTime, "2026-12-05 10:00:00");
  const expired = await list({ CertificateStatus: [3] }, now);
  assert.deepEqual(ids(expired).sort(), ["Lg9Cy3Vm", "Ol2Dx7Qp"]);
  assert.equal(expired.Certificates[0].StatusName, "已过期");
  // 13 days later the api certificate has expired too: status 3, no longer expiring
  const later = await list({ CertificateStatus: [3] }, now + 13 * DAY_MS, ssl);
  assert.ok(ids(later).includes("Ap7Lw2Ec"));
  const laterExpiring = await list({ FilterExpiring: 1 }, now + 13 * DAY_MS, ssl);
  assert.equal((ssl.snapshot() as Any).anchorMs, now);
  // a fresh load anchors the demo data at the next call's clock again
  ssl.load(undefined);
  assert.equal((await list({ FilterExpiring: 1 }, now + 400 * DAY_MS, ssl)).TotalCount, 3);
  assert.deepEqual(ids(laterExpiring), ["Wc5Zt8Hn"]);
});

Deno.test("ssl DescribeCertificates: ExpirationSort orders by end time, undated last", async () => {
  const asc = await list({ ExpirationSort: "ASC", Limit: 100 });
  const ends = asc.Certificates.map((c: Any) => c.CertEndTime).filter((t: string) => t !== "");
  assert.deepEqual(ends, [...ends].sort());
  assert.equal(asc.Certificates.at(-1).CertEndTime, "");
  const desc = await list({ ExpirationSort: "DESC", Limit: 1 });
  assert.deepEqual(ids(desc), ["Ca5Ei9Ob"]);
});

Deno.test("ssl DescribeCertificates: SearchKey, type, status, deployable, source, tags, ids", async () => {
  assert.deepEqual(ids(await list({ SearchKey: "Kq3Xm9Vb" })), ["Kq3Xm9Vb"]);
  assert.deepEqual(ids(await list({ SearchKey: "www.shop" })), ["Kq3Xm9Vb"]);
  assert.deepEqual(ids(await list({ SearchKey: "LEGACY" })), ["Lg9Cy3Vm"]);
  assert.deepEqual(ids(await list({ CertificateType: "CA" })), ["Ca5Ei9Ob"]);
  assert.equal((await list({ CertificateType: "SVR", Limit: 100 })).TotalCount, 13);
  const pendingOrFailed = await list({ CertificateStatus: [0, 2] });
  assert.deepEqual(ids(pendingOrFailed).sort(), ["Fa6Mv1Tw", "Pd1Nq5Zr"]);
  assert.deepEqual(ids(await list({ IsPendingIssue: 1 })).sort(), ["Dn8Sf2Lk", "Pd1Nq5Zr"]);
  const deployable = await list({ Deployable: 1, Limit: 100 });
  assert.ok(deployable.Certificates.every((c: Any) => c.Deployable === true));
  assert.equal(deployable.TotalCount + (await list({ Deployable: 0 })).TotalCount, 14);
  assert.deepEqual(ids(await list({ FilterSource: "upload" })).sort(), ["Ca5Ei9Ob", "Up4Rd6Ks"]);
  assert.equal((await list({ FilterSource: "buy" })).TotalCount, 12);
  assert.deepEqual(ids(await list({ IsSM: 1 })), ["Sm2Wq8Pf"]);
  assert.deepEqual(ids(await list({ ProjectId: 1001 })), ["Ww7Tz1Rb"]);
  const prod = await list({ Tags: [{ TagKey: "env", TagValue: "prod" }] });
  assert.deepEqual(ids(prod).sort(), ["Up4Rd6Ks", "Wc5Zt8Hn"]);
  assert.deepEqual(
    ids(
      await list({
        Tags: [{ TagKey: "env", TagValue: "prod" }, { TagKey: "team", TagValue: "edge" }],
      }),
    ),
    [
      "Up4Rd6Ks",
    ],
  );
  assert.deepEqual(ids(await list({ CertIds: ["Ww7Tz1Rb", "Sm2Wq8Pf"] })).sort(), [
    "Sm2Wq8Pf",
    "Ww7Tz1Rb",
  ]);
  const wildcard = (await list({ SearchKey: "wildcard" })).Certificates[0];
  assert.equal(wildcard.IsWildcard, true);
  assert.deepEqual(wildcard.SubjectAltName, ["*.example.com", "example.com"]);
  assert.deepEqual(ids(await list({ Renew: 1, ExpirationSort: "ASC" })), [
    "Ol2Dx7Qp",
    "Ap7Lw2Ec",
    "Wc5Zt8Hn",
  ]);
});

Deno.test("ssl DescribeCertificates: bad values answer FailedOperation.InvalidParam", async () => {
  const ssl = createSslEmulator();
  const ctx = testContext();
  for (
    const params of [{ Limit: 1001 }, { CertificateType: "X" }, { ExpirationSort: "UP" }, {
      Deployable: 2,
    }, {
      FilterSource: "stolen",
    }]
  ) {
    await callError(ssl, "DescribeCertificates", params, ctx, "FailedOperation.InvalidParam");
  }
});

Deno.test("ssl snapshot/load: absolute times, JSON round trip, reset", async () => {
  const ssl = createSslEmulator();
  const ctx = testContext({ nowMs: Date.UTC(2030, 0, 1) });
  const snap = JSON.parse(JSON.stringify(ssl.snapshot()));
  assert.equal(snap.certificates.length, 14);
  ssl.load({
    certificates: [{
      ...snap.certificates[0],
      CertificateId: "Abs00001",
      beginOffsetDays: undefined,
      endOffsetDays: undefined,
      insertOffsetDays: undefined,
      CertBeginTime: "2029-01-01 00:00:00",
      CertEndTime: "2030-01-10 00:00:00",
      InsertTime: "2029-01-01 00:00:00",
    }],
  });
  const r: Any = await call(ssl, "DescribeCertificates", { FilterExpiring: 1 }, ctx);
  assert.deepEqual(ids(r), ["Abs00001"]);
  assert.equal(r.Certificates[0].CertEndTime, "2030-01-10 00:00:00");
  ssl.load(undefined);
  assert.deepEqual(ssl.snapshot(), snap);
  assert.throws(() => ssl.load({ certificates: [], anchorMs: "yesterday" }), TypeError);
  assert.throws(() => ssl.load({ certs: [] }), TypeError);
});
