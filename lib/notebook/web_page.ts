/**
 * The web notebook's page: one self-contained HTML document (inline CSS and script, nothing
 * loaded from elsewhere). The script holds no markup of its own beyond its controls: each
 * cell's body arrives as escaped HTML built by the server (`web_view.ts`); every other text is
 * set with `textContent`.
 *
 * @module
 */
import { esc } from "../report/html.ts";

const CSS = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d2330;--dim:#6b7280;--line:#e3e6eb;--accent:#0052d9;
--ok:#1f8a4c;--bad:#c62828;--warn:#d97706;--undo:#6a1b9a;--idle:#9aa1ab}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.top{position:sticky;top:0;z-index:2;background:#101828;color:#fff;padding:10px 24px;display:flex;align-items:center;gap:16px;flex-wrap:wrap;box-shadow:0 1px 4px rgba(0,0,0,.25)}
header.top .brand{font-weight:700;letter-spacing:.02em;color:#8fb3ff}
header.top h1{font-size:17px;margin:0;font-weight:600}
header.top .run{font:12px ui-monospace,Menlo,Consolas,monospace;color:#c7cfdb}
header.top .tools{margin-left:auto;display:flex;gap:8px;flex-wrap:wrap}
button{font:inherit;font-size:13px;border:1px solid var(--line);background:#fff;color:var(--ink);border-radius:6px;padding:4px 12px;cursor:pointer}
button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}
button:disabled{opacity:.45;cursor:default}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.primary:hover:not(:disabled){background:#003fa8;color:#fff}
header.top button{background:#1f2a3d;border-color:#33415a;color:#e8edf5}
header.top button.primary{background:var(--accent);border-color:var(--accent)}
main{display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:20px;max-width:1280px;margin:0 auto;padding:20px 24px 60px}
.summary{color:var(--dim);margin:0 0 12px}
.counts{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:14px}
.counts span{font-size:12px;border-radius:10px;padding:1px 9px;background:#e8ebf0}
#message{display:none;white-space:pre-wrap;border-radius:6px;padding:8px 12px;margin-bottom:14px;font-size:13px}
#message.ok{display:block;background:#e7f5ec;color:#145c33;border:1px solid #b9e0c8}
#message.error{display:block;background:#fdecea;color:#8e1c1c;border:1px solid #f3c2bd}
#message.info{display:block;background:#eef3ff;color:#1d3f91;border:1px solid #c9d7fb}
section.cell{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--idle);border-radius:8px;margin:0 0 12px;padding:10px 14px 12px}
section.cell[data-status=succeeded]{border-left-color:var(--ok)}
section.cell[data-status=failed]{border-left-color:var(--bad)}
section.cell[data-status=uncertain]{border-left-color:var(--warn)}
section.cell[data-status=running]{border-left-color:var(--accent);box-shadow:0 0 0 2px rgba(0,82,217,.15)}
section.cell[data-status=stale]{border-left-color:var(--warn)}
section.cell[data-status=rolled_back]{border-left-color:var(--undo)}
section.cell[data-status=skipped]{opacity:.75}
.head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.head .n{color:var(--dim);font-weight:600;min-width:1.4em}
.head .id{font-weight:700;font-size:15px}
.head .action{font-size:12px;color:#3b4a63;background:#f0f3f8;border-radius:4px;padding:0 6px}
.badge{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;border-radius:10px;padding:1px 8px;background:#eceff3;color:var(--dim)}
[data-status=succeeded] .badge{background:#e3f4ea;color:var(--ok)}
[data-status=failed] .badge{background:#fde8e6;color:var(--bad)}
[data-status=uncertain] .badge,[data-status=stale] .badge{background:#fdf0dc;color:var(--warn)}
[data-status=running] .badge{background:#e5edff;color:var(--accent)}
[data-status=rolled_back] .badge{background:#f1e6f7;color:var(--undo)}
.facts{color:var(--dim);font-size:12px}
.cellbar{float:right;display:flex;gap:6px;margin-left:10px}
.doc{color:#394150;margin:4px 0 2px}
.doc h4{margin:6px 0 2px;font-size:14px}
.doc p{margin:2px 0}
.error{background:#fdecea;color:#8e1c1c;border-radius:5px;padding:6px 10px;margin:6px 0;font-size:13px}
.outputs{margin:8px 0 4px;overflow-x:auto}
.outputs table.fields{border-collapse:collapse}
.outputs table.fields>tbody>tr>th,.outputs table.fields>tr>th{text-align:left;vertical-align:top;padding:2px 10px 2px 0;color:#394150;font-weight:600;white-space:nowrap}
.outputs table.fields td{padding:2px 0;vertical-align:top}
.outputs .empty{color:var(--dim);font-size:12px;font-style:italic}
.outputs .rows{color:var(--dim);font-size:12px}
.outputs table{font-size:12.5px}
details{margin:4px 0}
details summary{cursor:pointer;color:var(--accent);font-size:13px}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:5px;padding:8px;overflow:auto;max-height:360px;font:12px ui-monospace,Menlo,Consolas,monospace;margin:4px 0}
aside .panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin-bottom:14px}
aside h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--dim);margin:0 0 8px}
.input{margin-bottom:10px}
.input label{display:block;font-weight:600;font-size:13px}
.input label small{color:var(--dim);font-weight:400}
.input .desc{color:var(--dim);font-size:12px}
.input .row{display:flex;gap:6px}
.input input{flex:1;min-width:0;font:12px ui-monospace,Menlo,Consolas,monospace;border:1px solid var(--line);border-radius:5px;padding:4px 6px}
#log{font:11.5px ui-monospace,Menlo,Consolas,monospace;max-height:260px;overflow:auto;white-space:pre-wrap;color:#394150}
#log div{border-bottom:1px dashed #eef0f3;padding:1px 0}
#report{display:none;grid-column:1/-1}
#report.open{display:block}
#report iframe{width:100%;height:720px;border:1px solid var(--line);border-radius:8px;background:#fff}
.live{display:inline-block;width:8px;height:8px;border-radius:50%;background:#6b7280;margin-right:6px}
.live.on{background:#34d399}
`;

const SCRIPT = `
"use strict";
const token = document.querySelector('meta[name="tcflow-token"]').content;
const $ = (id) => document.getElementById(id);
let state = null;
const el = (tag, attrs, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
function message(kind, text) {
  const m = $("message");
  m.className = kind;
  m.textContent = text;
}
async function command(name, body) {
  message("info", name.replace("-", " ") + "…");
  try {
    const r = await fetch("/api/" + name, {
      method: "POST",
      headers: { "authorization": "token " + token, "content-type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const answer = await r.json();
    message(answer.ok ? "ok" : "error", answer.message);
    if (name !== "interrupt") refreshReport();
  } catch (e) {
    message("error", String(e));
  }
}
function button(label, onclick, extra) {
  const b = el("button", extra || {}, label);
  b.addEventListener("click", onclick);
  return b;
}
function renderInputs() {
  const box = $("inputs");
  if (state.inputs.length === 0) {
    box.textContent = "This workflow has no inputs.";
    return;
  }
  for (const input of state.inputs) {
    let row = box.querySelector('[data-input="' + CSS.escape(input.name) + '"]');
    if (!row) {
      row = el("div", { class: "input", "data-input": input.name });
      const label = el("label", { for: "in-" + input.name }, input.name + " ");
      label.append(el("small", {}, input.type + (input.secret ? ", secret" : "")));
      row.append(label);
      if (input.description) row.append(el("div", { class: "desc" }, input.description));
      const line = el("div", { class: "row" });
      const field = el("input", { id: "in-" + input.name, name: input.name, spellcheck: "false",
        autocomplete: "off" });
      if (input.secret) {
        field.type = "password";
        field.placeholder = "*** (type a new value)";
      }
      line.append(field, button("Set", () => {
        if (input.secret && field.value === "") {
          message("error", input.name + " is secret: type its new value, then Set");
          return;
        }
        command("set", { name: input.name, value: field.value }).then(() => {
          field.dataset.edited = "";
          if (input.secret) field.value = "";
        });
      }, { "data-action": "set" }));
      field.addEventListener("input", () => { field.dataset.edited = "1"; });
      row.append(line);
      box.append(row);
    }
    const field = row.querySelector("input");
    if (!input.secret && field.dataset.edited !== "1" && document.activeElement !== field) {
      field.value = input.value;
    }
  }
}
function renderCells() {
  const list = $("cells");
  const busy = state.busy !== null;
  for (const cell of state.cells) {
    let section = list.querySelector('section[data-step="' + CSS.escape(cell.id) + '"]');
    if (!section) {
      section = el("section", { class: "cell", "data-step": cell.id });
      const bar = el("div", { class: "cellbar" });
      bar.append(
        button("Run", () => command("run", { cell: cell.id }), { "data-action": "run" }),
        button("Skip", () => command("skip", { cell: cell.id }), { "data-action": "skip" }),
      );
      if (cell.undo) {
        bar.append(button("Roll back", () => command("rollback", { cell: cell.id }),
          { "data-action": "rollback" }));
      }
      section.append(bar, el("div", { class: "body" }));
      list.append(section);
    }
    section.setAttribute("data-status", cell.status);
    for (const b of section.querySelectorAll(".cellbar button")) b.disabled = busy;
    const rb = section.querySelector('[data-action="rollback"]');
    if (rb) rb.disabled = busy || !(cell.status === "succeeded" || cell.status === "stale");
    const body = section.querySelector(".body");
    if (body.dataset.html !== cell.html) {
      const open = new Set([...body.querySelectorAll("details[open]")].map((d) => d.className));
      body.innerHTML = cell.html;
      for (const d of body.querySelectorAll("details")) if (open.has(d.className)) d.open = true;
      body.dataset.html = cell.html;
    }
  }
}
function render() {
  document.title = state.workflow + " · tcflow notebook";
  $("workflow").textContent = state.workflow;
  $("run-id").textContent = "run " + state.runId;
  $("description").textContent = state.description;
  const counts = {};
  for (const cell of state.cells) counts[cell.status] = (counts[cell.status] || 0) + 1;
  const c = $("counts");
  c.textContent = "";
  for (const [status, n] of Object.entries(counts)) c.append(el("span", {}, n + " " + status.replace("_", " ")));
  $("busy").textContent = state.busy === null ? "" : state.busy + "…";
  const busy = state.busy !== null;
  for (const b of document.querySelectorAll("header.top button")) {
    b.disabled = b.dataset.action === "interrupt" ? !busy : (busy && b.dataset.action !== "report");
  }
  for (const b of document.querySelectorAll('[data-action="set"]')) b.disabled = busy;
  renderInputs();
  renderCells();
  document.body.dataset.busy = busy ? "1" : "";
}
function log(line) {
  const box = $("log");
  box.append(el("div", {}, line));
  while (box.childNodes.length > 300) box.firstChild.remove();
  box.scrollTop = box.scrollHeight;
}
function refreshReport() {
  const panel = $("report");
  if (panel.classList.contains("open")) {
    panel.querySelector("iframe").src = "/report?token=" + encodeURIComponent(token) + "&t=" + Date.now();
  }
}
$("run-all").addEventListener("click", () => command("run-all"));
$("retry").addEventListener("click", () => command("retry"));
$("rollback").addEventListener("click", () => command("rollback"));
$("interrupt").addEventListener("click", () => command("interrupt"));
$("report-button").addEventListener("click", () => {
  const panel = $("report");
  panel.classList.toggle("open");
  refreshReport();
  if (panel.classList.contains("open")) panel.scrollIntoView({ behavior: "smooth" });
});
const events = new EventSource("/api/events?token=" + encodeURIComponent(token));
events.addEventListener("state", (e) => { state = JSON.parse(e.data); render(); });
events.addEventListener("progress", (e) => log(JSON.parse(e.data)));
events.addEventListener("open", () => { $("live").className = "live on"; $("live").title = "live"; });
events.addEventListener("error", () => { $("live").className = "live"; $("live").title = "disconnected"; });
`;

/** The page, with the access token (the page's commands send it) and the script's nonce. */
export function webPage(o: { title: string; token: string; nonce: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="tcflow-token" content="${esc(o.token)}">
<title>${esc(o.title)} · tcflow notebook</title>
<style>${CSS}</style>
</head><body>
<header class="top">
  <span class="brand">tcflow</span>
  <h1 id="workflow">${esc(o.title)}</h1>
  <span class="run"><span id="live" class="live" title="connecting"></span><span id="run-id"></span></span>
  <span class="run" id="busy"></span>
  <div class="tools">
    <button id="run-all" class="primary" data-action="run-all">Run all</button>
    <button id="retry" data-action="retry">Retry</button>
    <button id="rollback" data-action="rollback">Roll back</button>
    <button id="interrupt" data-action="interrupt" disabled>Stop</button>
    <button id="report-button" data-action="report">Report</button>
  </div>
</header>
<main>
  <div>
    <p class="summary" id="description"></p>
    <div class="counts" id="counts"></div>
    <div id="message" role="status"></div>
    <div id="cells"></div>
  </div>
  <aside>
    <div class="panel"><h2>Inputs</h2><div id="inputs"></div></div>
    <div class="panel"><h2>Activity</h2><div id="log"></div></div>
  </aside>
  <section id="report"><iframe title="Report" sandbox=""></iframe></section>
</main>
<script nonce="${esc(o.nonce)}">${SCRIPT}</script>
</body></html>
`;
}
