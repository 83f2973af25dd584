import assert from "node:assert/strict";
import type { InputDecl, InputType } from "./model.ts";
import { UsageError } from "../cli/context.ts";
import { parseInputFlags, secretValues } from "./inputs.ts";

const pos = { line: 1, column: 1, offset: 0, length: 1 };
function decl(
  name: string,
  type: InputType,
  extra: Partial<Pick<InputDecl, "default" | "secret" | "required">> = {},
): InputDecl {
  return {
    name,
    type,
    required: extra.default === undefined && (extra.required ?? true),
    secret: extra.secret ?? false,
    pos,
    ...(extra.default !== undefined ? { default: extra.default } : {}),
  };
}

const DECLS = [
  decl("taskId", "string"),
  decl("queueNum", "integer", { default: 8n }),
  decl("ratio", "number", { default: 0.5 }),
  decl("dry", "boolean", { default: false }),
  decl("topics", "list", { default: [] }),
  decl("tags", "map", { default: {} }),
  decl("apiKey", "string", { secret: true, required: false }),
];

function files(map: Record<string, string>) {
  return {
    readTextFile: (path: string) => {
      const text = map[path];
      if (text === undefined) throw new Deno.errors.NotFound(`No such file: ${path}`);
      return text;
    },
  };
}

Deno.test("flags are parsed as YAML and typed; defaults fill the rest", () => {
  const inputs = parseInputFlags(
    ["taskId=task-1", "queueNum=16", "topics=[{name: a}, {name: b}]", "dry=true"],
    undefined,
    DECLS,
  );
  assert.deepEqual(inputs, {
    taskId: "task-1",
    queueNum: 16n,
    topics: [{ name: "a" }, { name: "b" }],
    dry: true,
    ratio: 0.5,
    tags: {},
  });
});

Deno.test("a string input keeps the raw text when YAML would read another type", () => {
  const inputs = parseInputFlags(["taskId=00123"], undefined, DECLS);
  assert.equal(inputs.taskId, "00123");
  assert.equal(parseInputFlags(["taskId=true"], undefined, DECLS).taskId, "true");
  assert.equal(parseInputFlags(['taskId="a b"'], undefined, DECLS).taskId, "a b");
  assert.equal(parseInputFlags(["taskId=a=b"], undefined, DECLS).taskId, "a=b");
});

Deno.test("uint64 values stay exact", () => {
  const inputs = parseInputFlags(["taskId=t", "queueNum=18446744073709551615"], undefined, DECLS);
  assert.equal(inputs.queueNum, 18446744073709551615n);
  const fromJson = parseInputFlags(
    [],
    "in.json",
    DECLS,
    files({ "in.json": '{"taskId": "t", "queueNum": 18446744073709551615}' }),
  );
  assert.equal(fromJson.queueNum, 18446744073709551615n);
});

Deno.test("integers beyond 64 bits are a usage error naming the flag or file", () => {
  assert.throws(
    () => parseInputFlags(["taskId=t", "queueNum=18446744073709551616"], undefined, DECLS),
    (e) =>
      e instanceof UsageError &&
      /--input queueNum: 18446744073709551616 is outside/.test(e.message),
  );
  assert.throws(
    () => parseInputFlags(["taskId=t", "queueNum=-9223372036854775809"], undefined, DECLS),
    (e) => e instanceof UsageError && /-9223372036854775809 is outside/.test(e.message),
  );
  assert.equal(
    parseInputFlags(["taskId=t", "queueNum=-9223372036854775808"], undefined, DECLS).queueNum,
    -9223372036854775808n,
  );
  assert.throws(
    () =>
      parseInputFlags(
        [],
        "in.json",
        DECLS,
        files({ "in.json": '{"taskId": "t", "queueNum": 99999999999999999999}' }),
      ),
    (e) =>
      e instanceof UsageError &&
      /--inputs in\.json: input `queueNum`: 99999999999999999999 is outside/.test(e.message),
  );
});

Deno.test("the inputs file is read (YAML or JSON) and flags override it", () => {
  const io = files({
    "in.yaml": "taskId: from-file\nqueueNum: 4\ntags: {env: prod, n: 2}\n",
  });
  const inputs = parseInputFlags(["queueNum=5"], "in.yaml", DECLS, io);
  assert.equal(inputs.taskId, "from-file");
  assert.equal(inputs.queueNum, 5n);
  assert.deepEqual(inputs.tags, { env: "prod", n: 2n });
});

Deno.test("errors name the flag", () => {
  assert.throws(
    () => parseInputFlags(["taskid=x"], undefined, DECLS),
    (e) =>
      e instanceof UsageError && /--input taskid/.test(e.message) && /`taskId`/.test(e.message),
  );
  assert.throws(
    () => parseInputFlags(["taskId=t", "queueNum=many"], undefined, DECLS),
    (e) =>
      e instanceof UsageError &&
      e.message === '--input queueNum must be an integer: got string "many"',
  );
  assert.throws(
    () => parseInputFlags(["taskId"], undefined, DECLS),
    (e) => e instanceof UsageError && /--input taskId: expected name=value/.test(e.message),
  );
  assert.throws(
    () => parseInputFlags(["taskId=a", "taskId=b"], undefined, DECLS),
    /more than once/,
  );
  assert.throws(
    () => parseInputFlags(["taskId=a", "topics=[a"], undefined, DECLS),
    (e) => e instanceof UsageError && /--input topics: the value is not valid YAML/.test(e.message),
  );
  assert.throws(
    () => parseInputFlags([], "nope.yaml", DECLS, files({})),
    (e) => e instanceof UsageError && /--inputs nope.yaml: cannot read/.test(e.message),
  );
  assert.throws(
    () => parseInputFlags([], "in.yaml", DECLS, files({ "in.yaml": "- a\n- b\n" })),
    /--inputs in.yaml: expected a mapping/,
  );
  assert.throws(
    () => parseInputFlags([], "in.yaml", DECLS, files({ "in.yaml": "taskId: t\nbogus: 1\n" })),
    /--inputs in.yaml: the workflow has no input `bogus`/,
  );
  assert.throws(
    () => parseInputFlags([], "in.yaml", DECLS, files({ "in.yaml": "taskId: t\ndry: 3\n" })),
    /--inputs in.yaml: input `dry` must be a boolean: got integer 3/,
  );
});

Deno.test("missing required inputs are all named", () => {
  const decls = [decl("a", "string"), decl("b", "integer"), decl("c", "string", { default: "x" })];
  assert.throws(
    () => parseInputFlags([], undefined, decls),
    (e) =>
      e instanceof UsageError && /missing required inputs `a`, `b`/.test(e.message) &&
      /--input a=VALUE --input b=VALUE/.test(e.message),
  );
});

Deno.test("a secret value never appears in an error message", () => {
  const decls = [decl("apiKey", "integer", { secret: true })];
  assert.throws(
    () => parseInputFlags(["apiKey=supersecret-value"], undefined, decls),
    (e) => e instanceof UsageError && !e.message.includes("supersecret"),
  );
});

Deno.test("secretValues lists the secret inputs' text", () => {
  const inputs = parseInputFlags(["taskId=t", "apiKey=k-12345"], undefined, DECLS);
  assert.deepEqual(secretValues(inputs, DECLS), ["k-12345"]);
  assert.deepEqual(secretValues({ taskId: "t" }, DECLS), []);
});

Deno.test("prototype keys are refused", () => {
  assert.throws(
    () => parseInputFlags(["taskId=t", 'tags={"__proto__": {"x": 1}}'], undefined, DECLS),
    /not allowed/,
  );
});

Deno.test("a secret that is not valid YAML is refused without quoting it", () => {
  const decls = [decl("tokens", "list", { secret: true })];
  assert.throws(
    () => parseInputFlags(["tokens=[hunter2-secret"], undefined, decls),
    (e) =>
      e instanceof UsageError && /--input tokens: the value is not valid YAML$/.test(e.message) &&
      !e.message.includes("hunter2"),
  );
});
