/**
 * The HTML report of real runs (against the emulator), rendered in headless Chromium: the
 * page lays out without overflow, shows every step with its status, renders arrays as tables,
 * highlights the failed step's error, and never leaks a secret.
 */
import assert from "node:assert/strict";
import { findChromium, openPage } from "./_chromium.ts";
import { ROOT, runCli } from "./_cli.ts";

const chromium = await findChromium("report_html_test");

async function reportOf(workflow: string, extra: string[]): Promise<string> {
  const stateDir = await Deno.makeTempDir({ prefix: "tcflow-report-" });
  const run = await runCli([
    "run",
    `${ROOT}workflows/${workflow}`,
    "--emulator",
    "--json",
    "--quiet",
    "--state-dir",
    stateDir,
    ...extra,
  ]);
  const runId = (JSON.parse(run.stdout) as { run_id: string }).run_id;
  const out = `${stateDir}/report.html`;
  const report = await runCli(["report", runId, "--html", "--state-dir", stateDir, "--out", out]);
  assert.equal(report.code, 0, report.stderr);
  return out;
}

Deno.test({
  name: "the HTML report of a successful run renders in Chromium with every step and table",
  ignore: chromium.ignore,
  async fn() {
    const file = await reportOf("apigateway-provisioning.yaml", []);
    const page = await openPage(chromium.require(), `file://${file}`);
    try {
      const facts = await page.evaluate<{
        title: string;
        steps: string[];
        badges: string[];
        tables: number;
        overflow: boolean;
        scripts: number;
      }>(`({
        title: document.title,
        steps: [...document.querySelectorAll("section.step")].map((s) => s.id),
        badges: [...document.querySelectorAll("section.step .badge")].map((b) => b.textContent),
        tables: document.querySelectorAll("table").length,
        overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
        scripts: document.scripts.length,
      })`);
      assert.match(facts.title, /apigateway-provisioning/);
      assert.deepEqual(facts.steps, [
        "step-service",
        "step-apis",
        "step-release",
        "step-plan",
        "step-bind",
      ]);
      assert.ok(facts.badges.every((b) => b === "succeeded"), facts.badges.join(","));
      assert.ok(facts.tables >= 5, `tables: ${facts.tables}`);
      assert.equal(facts.overflow, false, "the page fits the window width");
      assert.equal(facts.scripts, 0, "the report is static HTML");
      const png = await page.screenshot();
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      assert.ok(png.length > 20_000, "the screenshot is not blank");
    } finally {
      await page.close();
    }
  },
});

Deno.test({
  name: "the HTML report highlights a failed assert in red",
  ignore: chromium.ignore,
  async fn() {
    const file = await reportOf("nightly-audit.yaml", ["--input", "allowedPorts=[22]"]);
    const page = await openPage(chromium.require(), `file://${file}`);
    try {
      const failed = await page.evaluate<{ id: string; color: string; text: string } | null>(
        `(() => {
        const step = document.querySelector("section.step.failed");
        const error = step?.querySelector(".error");
        if (!step || !error) return null;
        return {
          id: step.id,
          color: getComputedStyle(error).borderLeftColor,
          text: error.textContent,
        };
      })()`,
      );
      assert.ok(failed, "a failed step with an error block");
      assert.equal(failed.id, "step-no_unexpected_ports");
      assert.match(failed.text, /allow-list/);
      const [r, g, b] = (failed.color.match(/\d+/g) ?? []).map(Number);
      assert.ok(
        r! > 120 && r! > g! * 1.5 && r! > b! * 1.5,
        `the error block has a red edge: ${failed.color}`,
      );
    } finally {
      await page.close();
    }
  },
});
