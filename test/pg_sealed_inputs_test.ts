/**
 * `tcflow submit` with secret inputs on a real PostgreSQL, against the real emulator: the
 * submitter seals them with `TCFLOW_SEAL_KEY`, the database holds only ciphertext (every text
 * of every row is searched for the value), a worker with the same key opens them and sends
 * them; a worker without the key or with another one leaves the run queued and says so once; a
 * changed or moved ciphertext fails the run cleanly; `resume` opens them with the key.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { readSealKey } from "../lib/journal/sealed_inputs.ts";
import { runCli } from "./_cli.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_sealed_inputs_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";

const SECRET = "Sup3r-S3cret-Tok3n-9f2c";
/** Two keys of 32 bytes, base64 (as `openssl rand -base64 32` prints them). */
const KEY_A = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i * 7 + 1)));
const KEY_B = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 255 - i * 3)));
const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};
const WORKFLOW = `
tcflow: 1
name: sealed
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
  label: { type: string }
steps:
  - id: look
    action: trocket.DescribeTopicList
    with:
      InstanceId: rmq-72mo3a9o
      Filters: [{ Name: TopicName, Values: ["\${{ inputs.token }}", "\${{ inputs.label }}"] }]
  - id: each
    action: trocket.DescribeTopicList
    foreach: \${{ ["a", "b", "c"] }}
    with:
      InstanceId: rmq-72mo3a9o
      Filters: [{ Name: TopicName, Values: ["\${{ item + inputs.token }}"] }]
outputs:
  token: \${{ inputs.token }}
  label: \${{ inputs.label }}
`;

async function fixture() {
  if (typeof server === "string") throw new Error(server);
  const db = await freshDatabase(server);
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pgsealed-" });
  await Deno.writeTextFile(`${dir}/w.yaml`, WORKFLOW);
  const emulator = createEmulator();
  const printed: string[] = [];
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const out = await runCli([...args, "--store", db.url], {
      env: { ...ENV, ...env },
      deps: { fetch: emulator.handle },
      cwd: dir,
    });
    printed.push(out.stdout, out.stderr);
    return out;
  };
  const worker = (name: string, env: Record<string, string> = {}) =>
    cli(
      ["worker", "--name", name, "--exit-when-idle", "--endpoint-url", "http://emulator.test"],
      env,
    );
  const submit = async (
    label: string,
    env: Record<string, string> = { TCFLOW_SEAL_KEY: KEY_A },
  ) => {
    const out = await cli(
      ["submit", "w.yaml", "--input", `token=${SECRET}`, "--input", `label=${label}`, "--json"],
      env,
    );
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout).run_id as string;
  };
  /** Requests that carried the secret (the emulator's call log is the judge). */
  const sent = () =>
    emulator.calls().filter((c) =>
      c.action === "DescribeTopicList" && JSON.stringify(c.params).includes(SECRET)
    ).length;
  const runs = async () =>
    JSON.parse((await cli(["runs", "--json"])).stdout).runs as Array<
      { run_id: string; status: string; owner?: string }
    >;
  /** Every value of every column of every table of the database, as text, that holds `text`. */
  const rowsHolding = async (text: string) => {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const columns = await sql<{ t: string; c: string }[]>`
        SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`;
      assert.ok(columns.some((x) => x.t === "tcflow_events" && x.c === "event"), "columns listed");
      const found: string[] = [];
      for (const { t, c } of columns) {
        const rows = await sql.unsafe(
          `SELECT "${c}"::text AS v FROM "${t}" WHERE strpos("${c}"::text, $1) > 0`,
          [text],
        );
        for (const row of rows) found.push(`${t}.${c}: ${String(row.v)}`);
      }
      return found;
    } finally {
      await sql.end();
    }
  };
  const edit = async (statement: (sql: postgres.Sql) => Promise<unknown>) => {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      await statement(sql);
    } finally {
      await sql.end();
    }
  };
  return { db, dir, emulator, cli, worker, submit, sent, runs, rowsHolding, edit, printed };
}

Deno.test({
  name: "sealed inputs: a worker with the key sends the secret; no row, output or journal holds it",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const runId = await fx.submit("first");
      assert.deepEqual(await fx.rowsHolding(SECRET), [], "queued: only ciphertext");
      const sealed = await fx.rowsHolding('"iv"');
      assert.deepEqual(sealed.map((v) => v.split(":")[0]), ["tcflow_runs.sealed_inputs"]);

      const worked = await fx.worker("keyed", { TCFLOW_SEAL_KEY: KEY_A });
      assert.equal(worked.code, 0, worked.stderr);
      assert.match(worked.stderr, new RegExp(`claimed run ${runId} \\(sealed\\)`));
      assert.match(worked.stderr, new RegExp(`finished run ${runId} succeeded`));
      assert.equal(
        fx.sent(),
        4,
        "the secret went out in the requests (a step and 3 items), once each",
      );

      const listed = await fx.runs();
      assert.deepEqual(listed.map((r) => [r.run_id, r.status, r.owner]), [
        [runId, "succeeded", "keyed"],
      ]);
      const report = await fx.cli(["report", runId]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /first/, "the report shows the run's other input");
      assert.deepEqual(await fx.rowsHolding(SECRET), [], "finished: no row holds the secret");
      const journal = await fx.rowsHolding('"run-finished"');
      assert.equal(journal.length, 1);
      assert.match(journal[0]!, /"token":"\*\*\*"/, "the output that is the secret is redacted");
      for (const text of fx.printed) assert.ok(!text.includes(SECRET), text);
      assert.ok(!fx.printed.join("").includes(KEY_A), "the key is never printed");
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "sealed inputs: a worker without the key or with another key leaves the run queued",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const runId = await fx.submit("waiting");
      const keyless = await fx.worker("keyless");
      assert.equal(keyless.code, 0, keyless.stderr);
      const left = keyless.stderr.match(/left run (\S+) queued: [^\n]*/g) ?? [];
      assert.equal(left.length, 1, keyless.stderr);
      assert.match(left[0]!, new RegExp(`left run ${runId} queued`));
      assert.match(left[0]!, /fingerprint [0-9a-f]{16}, and this worker has no TCFLOW_SEAL_KEY/);
      const other = await fx.worker("other-key", { TCFLOW_SEAL_KEY: KEY_B });
      assert.equal(other.code, 0, other.stderr);
      assert.match(other.stderr, new RegExp(`left run ${runId} queued: .*its TCFLOW_SEAL_KEY is`));
      assert.doesNotMatch(keyless.stderr + other.stderr, /claimed run/);
      assert.equal(fx.emulator.calls().length, 0, "nothing was sent");
      assert.deepEqual((await fx.runs()).map((r) => r.status), ["queued"]);

      // A key that is not 32 bytes of base64: exit 2 naming the variable, never its value.
      for (const bad of ["not base64 at all!", btoa("too short")]) {
        const refused = await fx.worker("bad-key", { TCFLOW_SEAL_KEY: bad });
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, /TCFLOW_SEAL_KEY (is not base64|holds 9 bytes)/);
        assert.ok(!refused.stderr.includes(bad), refused.stderr);
      }

      const keyed = await fx.worker("keyed", { TCFLOW_SEAL_KEY: KEY_A });
      assert.equal(keyed.code, 0, keyed.stderr);
      assert.match(keyed.stderr, new RegExp(`finished run ${runId} succeeded`));
      assert.equal(fx.sent(), 4);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "sealed inputs: a changed or moved ciphertext fails the run cleanly; nothing is sent",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const changed = await fx.submit("changed");
      const moved = await fx.submit("moved");
      await fx.edit(async (sql) => {
        // One bit of the ciphertext of `changed` flipped.
        const [row] = await sql<{ sealed_inputs: string }[]>`
          SELECT sealed_inputs FROM tcflow_runs WHERE run_id = ${changed}`;
        const inputs = JSON.parse(row!.sealed_inputs);
        const bytes = Uint8Array.from(atob(inputs.token.data), (c) => c.charCodeAt(0));
        bytes[0]! ^= 1;
        inputs.token.data = btoa(String.fromCharCode(...bytes));
        await sql`UPDATE tcflow_runs SET sealed_inputs = ${JSON.stringify(inputs)}
          WHERE run_id = ${changed}`;
        // The sealed inputs of `changed` (as submitted) copied onto `moved`, same key.
        await sql`UPDATE tcflow_runs SET sealed_inputs = ${row!.sealed_inputs}
          WHERE run_id = ${moved}`;
      });
      const worked = await fx.worker("keyed", { TCFLOW_SEAL_KEY: KEY_A });
      assert.equal(worked.code, 1, worked.stderr);
      for (const runId of [changed, moved]) {
        assert.match(
          worked.stderr,
          new RegExp(
            `finished run ${runId} failed: the sealed secret input token of run ${runId} does ` +
              `not open with TCFLOW_SEAL_KEY`,
          ),
        );
      }
      assert.equal(fx.emulator.calls().length, 0, "nothing was sent");
      assert.deepEqual((await fx.runs()).map((r) => r.status), ["failed", "failed"]);
      const report = await fx.cli(["report", changed]);
      assert.match(report.stdout, /E_SEALED_INPUT/);
      // Failed, not left queued: another worker has nothing to take.
      const again = await fx.worker("again", { TCFLOW_SEAL_KEY: KEY_A });
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /claimed run/);
      for (const text of fx.printed) assert.ok(!text.includes(SECRET), text);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name:
    "sealed inputs: resume of a dead worker's run opens them with the key; without it, it says how",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const runId = await fx.submit("resumed");
      // A worker with the key claims the run and dies before it records anything.
      const dead = await PgJournalStore.connect(fx.db.url, { owner: "dead" });
      const claim = await dead.claimNext((await readSealKey(KEY_A))!.fingerprint);
      assert.equal(claim?.runId, runId);
      await dead.end();

      const resume = (env: Record<string, string>, more: string[] = []) =>
        fx.cli(["resume", runId, "--endpoint-url", "http://emulator.test", ...more], env);
      const keyless = await resume({});
      assert.equal(keyless.code, 2, keyless.stderr);
      assert.match(keyless.stderr, /missing required input `token`/);
      assert.match(keyless.stderr, /or set TCFLOW_SEAL_KEY to the key the run was submitted with/);
      const wrong = await resume({ TCFLOW_SEAL_KEY: KEY_B });
      assert.equal(wrong.code, 2, wrong.stderr);
      assert.match(wrong.stderr, /were sealed with the key of fingerprint [0-9a-f]{16}/);
      assert.equal(fx.emulator.calls().length, 0);

      const resumed = await resume({ TCFLOW_SEAL_KEY: KEY_A }, ["--json"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const doc = JSON.parse(resumed.stdout);
      assert.equal(doc.status, "succeeded");
      assert.deepEqual(doc.outputs, { token: "***", label: "resumed" });
      assert.equal(fx.sent(), 4);
      assert.deepEqual(await fx.rowsHolding(SECRET), []);
      for (const text of fx.printed) assert.ok(!text.includes(SECRET), text);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "sealed inputs: submit without TCFLOW_SEAL_KEY or with a bad one is exit 2; nothing queued",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const args = ["submit", "w.yaml", "--input", `token=${SECRET}`, "--input", "label=x"];
      const keyless = await fx.cli(args);
      assert.equal(keyless.code, 2, keyless.stderr);
      assert.match(keyless.stderr, /--input token is a secret input/);
      assert.match(
        keyless.stderr,
        /TCFLOW_SEAL_KEY is not set\. Set it to the same key on this submitter and on the workers/,
      );
      assert.match(keyless.stderr, /openssl rand -base64 32/);
      assert.match(keyless.stderr, /tcflow run w\.yaml --store … --input token=…/);
      const bad = await fx.cli(args, {
        TCFLOW_SEAL_KEY: btoa("0123456789abcdef0123456789abcdef0"),
      });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /TCFLOW_SEAL_KEY holds 33 bytes; it must be 32 random bytes/);
      for (const text of fx.printed) assert.ok(!text.includes(SECRET), text);
      assert.deepEqual(await fx.runs(), [], "nothing was queued");
    } finally {
      await fx.db.drop();
    }
  },
});
