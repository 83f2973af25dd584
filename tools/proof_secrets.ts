/**
 * The secrets fuzz at proof scale (issue 13): seeded CEL expressions over a secret string and a
 * secret integer (string functions, slicing, `split`, loops, `?:`, arithmetic, concatenation,
 * `join`, base64 bytes), run through the real CLI against the built-in emulator, every output
 * searched: stdout and stderr of `run` and `run --json`, the `--json` document, every journal
 * file, the Markdown and HTML reports and the API error messages that quote a value. What a
 * leak is, precisely: `test/_secrets_fuzz.ts`.
 *
 * ```
 * deno run --allow-all tools/proof_secrets.ts [cases=10000] [seed=20261204] [--json]
 * ```
 *
 * Exits 1 when any case leaks.
 *
 * @module
 */
import { secretBatches } from "../test/_secrets_fuzz.ts";
import { runSecretBatch } from "../test/_secrets_fuzz_run.ts";

const PER_BATCH = 100;
const args = Deno.args.filter((a) => !a.startsWith("--"));
const json = Deno.args.includes("--json");
const cases = Number(args[0] ?? "10000");
const seed = Number(args[1] ?? "20261204");
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  console.error("usage: proof_secrets.ts [cases] [seed] [--json]");
  Deno.exit(2);
}

const started = performance.now();
const batches = secretBatches(seed, Math.ceil(cases / PER_BATCH), PER_BATCH);
const figures = { seed, cases: 0, placements: 0, bytesSearched: 0, leaks: 0, seconds: 0 };
const leaks: string[] = [];
for (const [n, batch] of batches.entries()) {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-proof-secrets-" });
  try {
    const outcome = await runSecretBatch(batch, dir);
    figures.cases += outcome.cases;
    figures.placements += outcome.placements;
    figures.bytesSearched += outcome.bytes;
    figures.leaks += outcome.leaks.length;
    leaks.push(...outcome.leaks.map((leak) => `batch ${n}: ${leak}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  if (!json && (n + 1) % 10 === 0) console.error(`${(n + 1) * PER_BATCH} cases…`);
}
figures.seconds = Math.round((performance.now() - started) / 100) / 10;

if (json) {
  console.log(JSON.stringify({ ...figures, firstLeaks: leaks.slice(0, 20) }, null, 2));
} else {
  console.log(`seed ${seed}`);
  console.log("cases  placements  bytes searched  leaks  seconds");
  console.log(
    [
      String(figures.cases).padStart(5),
      String(figures.placements).padStart(11),
      String(figures.bytesSearched).padStart(15),
      String(figures.leaks).padStart(6),
      String(figures.seconds).padStart(8),
    ].join(""),
  );
  for (const leak of leaks.slice(0, 20)) console.log(`LEAK ${leak}`);
}
Deno.exit(figures.leaks === 0 ? 0 : 1);
