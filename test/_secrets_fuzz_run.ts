/**
 * Runs a batch of the secrets fuzzer (`test/_secrets_fuzz.ts`) through the real CLI with the
 * built-in emulator (`run`, `run --json`, `report`, `report --html`, the journal files) and
 * lists every leak, as defined there.
 *
 * @module
 */
import { caseName, leavesOf, type SecretBatch, type SecretCase } from "./_secrets_fuzz.ts";
import { runCli } from "./_cli.ts";

/** What one batch came to. */
export interface BatchOutcome {
  cases: number;
  /** Placements checked: outputs where a case must read `***`, error messages quoting one. */
  placements: number;
  /** Bytes of output searched. */
  bytes: number;
  leaks: string[];
}

const REDACTED = "***";

function decodeEntities(html: string): string {
  return html.replace(/&quot;|&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The string literals of a CEL source: text the author wrote, not a secret's. */
function literalsOf(source: string): string[] {
  return (source.match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((text) => JSON.parse(text) as string);
}

/**
 * Whether a shown value is the redacted shape of `value`: every leaf `***`, except that an
 * empty string may stay empty and text the expression's own literals put around a secret kept
 * as it was may stay (`"Bearer " + inputs.key` shows `Bearer ***`; a `?:` that chose its
 * literal shows it).
 */
function redactedShape(shown: unknown, value: unknown, literals: string[]): boolean {
  if (Array.isArray(value)) {
    return Array.isArray(shown) && shown.length === value.length &&
      value.every((item, i) => redactedShape(shown[i], item, literals));
  }
  if (value === "") return shown === "" || shown === REDACTED;
  if (shown === REDACTED) return true;
  if (typeof shown !== "string") return false;
  return shown.split(REDACTED).every((piece) => fromLiterals(piece, literals));
}

/**
 * How a case was shown: the value under its own name. A name is never redacted (a piece of a
 * secret in `case_0087` once made it `ca***87`): a missing name is a finding.
 */
function shownAs(outputs: Record<string, unknown> | undefined, name: string): unknown[] {
  if (outputs === undefined || outputs === null) return [];
  return Object.hasOwn(outputs, name) ? [outputs[name]] : [];
}

/**
 * Whether a case is shown rightly: redacted when it is made from a secret (see
 * {@link redactedShape}); when it is not (a `?:` chose its literal), as it is or redacted (it
 * may equal a secret of the batch).
 */
function shownRightly(shown: unknown, c: SecretCase): boolean {
  if (redactedShape(shown, c.value, literalsOf(c.source))) return true;
  return !c.secret && JSON.stringify(shown) === JSON.stringify(c.value);
}

/** Whether `text` is made of pieces of `literals`, one after another (`x` + `Bearer `). */
function fromLiterals(text: string, literals: string[]): boolean {
  const ok = [true]; // ok[i]: text.slice(0, i) is made of pieces of literals
  for (let end = 1; end <= text.length; end++) {
    ok[end] = false;
    for (let start = 0; start < end && !ok[end]; start++) {
      const piece = text.slice(start, end);
      ok[end] = ok[start] === true && literals.some((literal) => literal.includes(piece));
    }
  }
  return ok[text.length] === true;
}

/** Runs one batch in `dir` and lists its leaks. */
export async function runSecretBatch(batch: SecretBatch, dir: string): Promise<BatchOutcome> {
  const file = `${dir}/fuzz.yaml`;
  const state = `${dir}/state`;
  await Deno.writeTextFile(file, batch.workflow);
  const inputs = ["--input", `key=${batch.key}`, "--input", `pin=${batch.pin}`];
  const leaks: string[] = [];
  let placements = 0;

  const json = await runCli(["run", file, "--emulator", "--json", ...inputs, "--state-dir", state]);
  if (json.code !== 0 && json.code !== 1) {
    return {
      cases: 0,
      placements: 0,
      bytes: 0,
      leaks: [`run failed (${json.code}): ${json.stderr}`],
    };
  }
  const doc = JSON.parse(json.stdout);
  const plain = await runCli(["run", file, "--emulator", ...inputs, "--state-dir", state]);
  const runDir = `${state}/runs/${doc.run_id}`;
  const texts: Array<[string, string]> = [
    ["run --json stdout", json.stdout],
    ["run --json stderr", json.stderr],
    ["run stdout", plain.stdout],
    ["run stderr", plain.stderr],
  ];
  try {
    await Deno.stat(runDir);
  } catch {
    leaks.push(`the --json run id ${doc.run_id} names no run (redaction changed it)`);
    return { cases: 0, placements: 0, bytes: 0, leaks };
  }
  for await (const entry of Deno.readDir(runDir)) {
    texts.push([`journal ${entry.name}`, await Deno.readTextFile(`${runDir}/${entry.name}`)]);
  }
  for (const flags of [[], ["--html"]]) {
    const report = await runCli(["report", doc.run_id, ...flags, "--state-dir", state]);
    if (report.code !== 0) leaks.push(`report ${flags.join(" ")} failed: ${report.stderr}`);
    texts.push([`report ${flags.join(" ") || "--md"}`, decodeEntities(report.stdout)]);
  }

  // Where each case was put.
  const fuzz = doc.steps.find((s: { id: string }) => s.id === "fuzz");
  if (fuzz?.status !== "succeeded") {
    leaks.push(`the fuzz step ${fuzz?.status}: ${fuzz?.error?.message}`);
  }
  const events = texts.filter(([name]) => name === "journal events.jsonl")
    .flatMap(([, text]) => text.trim().split("\n"))
    .map((line) => JSON.parse(line))
    .map((record) => record.e ?? record); // journal format 2 wraps each event: {n, crc32, e}
  const journaled = events.find((e) => e.type === "step-succeeded" && e.stepId === "fuzz");
  for (const [i, c] of batch.cases.entries()) {
    const places = [
      ["--json", fuzz?.outputs],
      ["journal", journaled?.outputs],
    ] as const;
    for (const [where, outputs] of places) {
      placements++;
      const shown = shownAs(outputs, caseName(i));
      if (shown.length === 0) leaks.push(`${where}: no output ${caseName(i)} (${c.source})`);
      for (const value of shown) {
        if (!shownRightly(value, c)) {
          leaks.push(`${where}: ${caseName(i)} = ${JSON.stringify(value)} from ${c.source}`);
        }
      }
    }
  }
  for (const i of batch.outputs) {
    placements++;
    const shown = shownAs(doc.outputs, `out_${caseName(i)}`);
    if (shown.length === 0) leaks.push(`--json outputs: no output out_${caseName(i)}`);
    for (const value of shown) {
      if (!shownRightly(value, batch.cases[i]!)) {
        leaks.push(`--json outputs: out_${caseName(i)} = ${JSON.stringify(value)}`);
      }
    }
  }
  // Error messages: the emulator quotes a refused string as `got string "<first 40>".`; what
  // follows `got string ` must be only `***` (with the quotes and the final dot, when shown).
  const quotedLiterals = batch.quoted.flatMap((i) => literalsOf(batch.cases[i]!.source));
  for (const event of events.filter((e) => e.error?.message !== undefined)) {
    const message = event.error.message as string;
    const at = message.indexOf("got string ");
    if (at < 0) continue;
    placements++;
    const item = typeof event.index === "number" ? batch.quoted[event.index] : undefined;
    const literals = item === undefined ? quotedLiterals : literalsOf(batch.cases[item]!.source);
    const quoted = message.slice(at + "got string ".length);
    // A bare `"` is the message's own (the value's are escaped: `\"`), and so is the final dot.
    const escaped = literals.map((literal) => JSON.stringify(literal).slice(1, -1));
    const clear = quoted.replaceAll(REDACTED, "\0").replace(/(?<!\\)"/g, "").replace(/\.$/, "")
      .split("\0").filter((piece) => !fromLiterals(piece, escaped));
    if (clear.length > 0) leaks.push(`error message quotes ${JSON.stringify(quoted)}`);
  }

  // Anywhere as text.
  const source = batch.workflow;
  const needles = new Map<string, RegExp>();
  const origin = new Map<string, string>();
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const c of batch.cases.filter((c) => c.secret)) {
    for (const leaf of leavesOf(c.value)) {
      origin.set(leaf, c.source);
      if (leaf === "" || leaf === REDACTED || source.includes(leaf)) continue;
      const numeric = typeof c.value === "bigint" || /^-?\d+$/.test(leaf);
      if (leaf.length >= 4) {
        const forms = [leaf, JSON.stringify(leaf).slice(1, -1)];
        for (const form of new Set(forms)) {
          needles.set(
            form,
            // A number as a whole number, not inside a longer one, a time or a duration.
            numeric
              ? new RegExp(`(?<![0-9.+])${escape(form)}(?![0-9.]|\\s?m?s\\b)`)
              : new RegExp(escape(form)),
          );
        }
      } else if (!numeric) {
        const quoted = JSON.stringify(leaf);
        // Not a key (`"iv":`), not an HTML attribute (`class="ok"`).
        needles.set(quoted, new RegExp(`(?<!=)${escape(quoted)}(?!\\s*:)`));
      }
    }
  }
  for (const secret of [batch.key, String(batch.pin)]) {
    if (secret.length >= 3) needles.set(secret, new RegExp(`(?<![0-9])${escape(secret)}(?![0-9])`));
  }
  let bytes = 0;
  for (const [where, text] of texts) {
    bytes += text.length;
    for (const [needle, pattern] of needles) {
      if (pattern.test(text)) {
        leaks.push(`${where}: ${JSON.stringify(needle)} (${origin.get(needle) ?? "a secret"})`);
      }
    }
  }
  return { cases: batch.cases.length, placements, bytes, leaks };
}
