import { runCli } from "./_cli.ts";
const dir = await Deno.makeTempDir();
const exprs = Deno.args;
for (const e of exprs) {
  const wf = `tcflow: 1\nname: sandbox\ninputs:\n  name: { type: string, default: abc }\n  labels: { type: map, default: { a: 1 } }\n  items: { type: list, default: [1] }\n  anything: { type: any, default: { k: v } }\nsteps:\n  - id: probe\n    set:\n      x: \${{ ${e} }}\n`;
  await Deno.writeTextFile(`${dir}/w.yaml`, wf);
  const r = await runCli(["run", `${dir}/w.yaml`, "--emulator", "--json", "--state-dir", `${dir}/s`], { env: {} });
  let detail = r.stderr.split("\n").find((l) => /error|✗|failed/.test(l)) ?? "";
  if (r.code === 0) detail = r.stdout.replace(/\s+/g, " ").slice(0, 150);
  console.log(r.code, e.slice(0, 70), "\n    ", detail.slice(0, 160));
}
