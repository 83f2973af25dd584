/**
 * `tcflow call <service.Action> --Param value…` (PRODUCT.md section 16): one typed call, as TCCLI
 * makes one, against the emulator (in-process, its state kept in the state dir between
 * commands): nested parameters, YAML/JSON values, `--with`, `--paginate`, tables, `--json`,
 * exit 2 naming the flag for what the catalog rejects, exit 1 for an API error.
 */
import assert from "node:assert/strict";
import { runCli, runCliProcess } from "./_cli.ts";

const INSTANCE = "rmq-2x9f8k1p"; // the emulator's demo instance

async function project(): Promise<{ dir: string; cli: typeof runCli }> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-call-" });
  const cli: typeof runCli = (args, options = {}) => runCli(args, { cwd: dir, ...options });
  return { dir, cli };
}

Deno.test("call: a create, then a paginated list sees it (nested flags, strings as typed, --json without RequestId)", async () => {
  const { dir, cli } = await project();
  try {
    const created = await cli([
      "call",
      "trocket.CreateTopic",
      "--emulator",
      "--InstanceId",
      INSTANCE,
      "--Topic=orders-2",
      "--TopicType",
      "NORMAL",
      "--QueueNum",
      "3",
      "--TagList.0.TagKey",
      "env",
      "--TagList.0.TagValue",
      "007",
      "--Remark",
      "12",
      "-q",
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Topic: orders-2$/m);

    const listed = await cli([
      "call",
      "trocket.DescribeTopicList",
      "--emulator",
      "--InstanceId",
      INSTANCE,
      "--Limit",
      "1",
      "--paginate",
      "--json",
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    const response = JSON.parse(listed.stdout);
    assert.equal(response.RequestId, undefined);
    const topics = response.Data as Array<Record<string, unknown>>;
    assert.equal(topics.length, response.TotalCount); // every page, one item at a time
    assert.ok(topics.length > 1);
    const mine = topics.find((t) => t.Topic === "orders-2");
    assert.deepEqual(mine?.TagList, [{ TagKey: "env", TagValue: "007" }]);
    assert.equal(mine?.Remark, "12");
    assert.equal(mine?.QueueNum, 3);
    assert.match(listed.stderr, new RegExp(`page ${topics.length}: ${topics.length} of`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("call: a list prints as a table; --with gives parameters that flags complete; JSON values", async () => {
  const { dir, cli } = await project();
  try {
    const created = await cli([
      "call",
      "trocket.CreateTopic",
      "--emulator",
      "--with",
      `{InstanceId: ${INSTANCE}, Topic: from-with, TopicType: NORMAL, QueueNum: 8}`,
      "--QueueNum",
      "4",
      "-q",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const table = await cli([
      "call",
      "trocket.DescribeTopicList",
      "--emulator",
      "--InstanceId",
      INSTANCE,
      "--Offset",
      "0",
      "--Limit",
      "50",
      "--Filters",
      '[{"Name": "TopicName", "Values": ["from-with"]}]',
    ]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split("\n");
    assert.match(table.stdout, /^Data: \d+ rows?$/m);
    const header = lines.find((l) => /^\s+#\s+InstanceId\s+Topic\s+TopicType\s+QueueNum/.test(l));
    assert.ok(header, table.stdout);
    assert.ok(lines.some((l) => /^\s+\d+\s+rmq-2x9f8k1p\s+from-with\s+NORMAL\s+4\s/.test(l)));
    assert.match(table.stderr, /^RequestId: \S+$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("call: what the catalog rejects exits 2 naming the flag, nothing sent", async () => {
  const { dir, cli } = await project();
  try {
    const cases: Array<[string[], RegExp]> = [
      [
        ["--InstanceId", INSTANCE, "--Limt", "3"],
        /--Limt: .*has no parameter Limt; did you mean --Limit\?/,
      ],
      [
        ["--InstanceId", INSTANCE, "--Limit", "many"],
        /--Limit: expected Integer, got string "many"/,
      ],
      [[], /missing required parameter --InstanceId \(String\) of trocket\.DescribeTopicList/],
      [
        ["--InstanceId", INSTANCE, "--Filters.0.Nme", "x"],
        /--Filters\.0\.Nme: .*no field Nme; did you mean --Filters\.0\.Name\?/,
      ],
      [
        ["--InstanceId", INSTANCE, "--Limit", "1", "2"],
        /--Limit takes one value \(Integer\), got 2/,
      ],
      [["--InstanceId", INSTANCE, "--Offset"], /--Offset needs a value/],
      [["--InstanceId", INSTANCE, "--with", "[1]"], /--with must be a mapping/],
      [["--InstanceId", INSTANCE, "--with", "{Bogus: 1}"], /--Bogus is not a parameter/],
    ];
    for (const [flags, message] of cases) {
      const out = await cli(["call", "trocket.DescribeTopicList", "--emulator", ...flags]);
      assert.equal(out.code, 2, `${flags.join(" ")}: ${out.stderr}`);
      assert.match(out.stderr, message);
      assert.equal(out.stdout, "");
    }
    const unknown = await cli(["call", "trocket.DescribeTopicLst", "--emulator"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean trocket\.DescribeTopicList\?/);
    const cannotPage = await cli([
      "call",
      "trocket.CreateTopic",
      "--emulator",
      "--paginate",
      "--InstanceId",
      INSTANCE,
    ]);
    assert.equal(cannotPage.code, 2);
    assert.match(cannotPage.stderr, /--paginate: trocket\.CreateTopic cannot page/);
    // Nothing was sent: no emulator state was written.
    await assert.rejects(Deno.stat(`${dir}/.tcflow/emulator/state.json`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("call: an API error exits 1 with its code and RequestId (--json prints it on stdout)", async () => {
  const { dir, cli } = await project();
  try {
    const out = await cli([
      "call",
      "trocket.DescribeTopicList",
      "--emulator",
      "--InstanceId",
      "rmq-nope",
      "--json",
    ]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /trocket\.DescribeTopicList failed: ResourceNotFound\.\S+: .*\(RequestId \S+\)/,
    );
    assert.match(JSON.parse(out.stdout).error.code, /^ResourceNotFound/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("call: the real CLI process: exit 2 without a stack trace; --help", async () => {
  const bad = await runCliProcess(["call", "trocket.DescribeTopicList", "--Limit", "x"]);
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stderr, /\bat .*\.ts:\d+/);
  const help = await runCliProcess(["call", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: tcflow call <service\.Action>/);
});
