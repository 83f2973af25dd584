import assert from "node:assert/strict";
import { FaultInjector, FaultSpecError, mulberry32, parseFaultSpec } from "./faults.ts";

Deno.test("parseFaultSpec reads every key", () => {
  const spec = parseFaultSpec(
    "rate=0.2;codes=InternalError,ResourceUnavailable.Busy;5xx=0.1:503;latency=0.1:200ms;" +
      "cut-before=0.05;cut-after=0.05;actions=Create*,trocket.Import*;skip=2;times=3",
  );
  assert.equal(spec.errorRate, 0.2);
  assert.deepEqual(spec.codes, ["InternalError", "ResourceUnavailable.Busy"]);
  assert.equal(spec.http5xxRate, 0.1);
  assert.equal(spec.http5xxStatus, 503);
  assert.equal(spec.latencyRate, 0.1);
  assert.equal(spec.latencyMs, 200);
  assert.equal(spec.cutBeforeRate, 0.05);
  assert.equal(spec.cutAfterRate, 0.05);
  assert.deepEqual(spec.actions, ["Create*", "trocket.Import*"]);
  assert.equal(spec.skip, 2);
  assert.equal(spec.times, 3);
  assert.equal(parseFaultSpec("latency=2s").latencyMs, 2000);
  assert.equal(parseFaultSpec("latency=2s").latencyRate, 1);
  assert.equal(parseFaultSpec("5xx=1").http5xxStatus, 502);
});

Deno.test("parseFaultSpec errors say what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["rate=2", /rate must be a probability from 0 to 1: got "2"/],
    ["rate", /"rate" is not key=value/],
    ["speed=1", /unknown key "speed"; known keys: rate, codes/],
    ["latency=0.5:fast", /duration must look like 250ms or 2s: got "fast"/],
    ["5xx=0.1:404", /5xx status must be 500 to 599: got "404"/],
    ["codes=internal error", /codes must be error codes/],
    ["rate=0.6;cut-after=0.6", /must be at most 1: got 1.2/],
    ["rate=0.1;rate=0.2", /"rate" is given twice/],
    ["times=-1", /times must be a whole number/],
    ["actions=Create?", /actions are globs/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseFaultSpec(text), (e: unknown) => {
      assert.ok(e instanceof FaultSpecError);
      assert.match(e.message, message);
      return true;
    }, text);
  }
});

Deno.test("mulberry32 is deterministic and spread over [0, 1)", () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, mulberry32(43)));
});

Deno.test("FaultInjector: same seed, same faults; rates are honoured", () => {
  const spec = "rate=0.3;codes=InternalError,ResourceUnavailable;cut-before=0.1;cut-after=0.1";
  const run = (seed: number) => {
    const injector = new FaultInjector(spec, seed);
    return Array.from({ length: 2000 }, () => {
      const { fault } = injector.decide("trocket", "CreateTopic");
      return fault.kind === "error" ? fault.code : fault.kind;
    });
  };
  const first = run(7);
  assert.deepEqual(first, run(7));
  assert.notDeepEqual(first, run(8));
  const count = (k: string) => first.filter((x) => x === k).length;
  const errors = count("InternalError") + count("ResourceUnavailable");
  assert.ok(errors > 500 && errors < 700, `errors ${errors}`);
  assert.ok(count("InternalError") > 200 && count("ResourceUnavailable") > 200);
  assert.ok(count("cut-before") > 140 && count("cut-before") < 260, `${count("cut-before")}`);
  assert.ok(count("cut-after") > 140 && count("cut-after") < 260);
  assert.ok(count("none") > 900 && count("none") < 1100);
});

Deno.test("FaultInjector: actions filter, skip and times", () => {
  const injector = new FaultInjector("rate=1;actions=Create*,apigateway.Bind*;skip=1;times=2", 1);
  assert.equal(injector.decide("trocket", "DescribeTopicList").fault.kind, "none");
  assert.equal(injector.decide("trocket", "BindEnvironment").fault.kind, "none");
  assert.equal(injector.decide("trocket", "CreateTopic").fault.kind, "none", "skipped");
  assert.deepEqual(injector.decide("trocket", "CreateTopic").fault, {
    kind: "error",
    code: "InternalError",
  });
  assert.equal(injector.decide("apigateway", "BindEnvironment").fault.kind, "error");
  assert.equal(injector.decide("trocket", "CreateTopic").fault.kind, "none", "times exhausted");
  assert.equal(injector.injected, 2);
});

Deno.test("FaultInjector: latency, 5xx, and no spec means no faults", () => {
  const slow = new FaultInjector("latency=150ms;5xx=1:504", 3);
  assert.deepEqual(slow.decide("ssl", "DescribeCertificates"), {
    fault: { kind: "5xx", status: 504 },
    latencyMs: 150,
  });
  const none = new FaultInjector(undefined, 3);
  assert.deepEqual(none.decide("ssl", "DescribeCertificates"), {
    fault: { kind: "none" },
    latencyMs: 0,
  });
  assert.equal(new FaultInjector("  ", 1).spec, undefined);
});
