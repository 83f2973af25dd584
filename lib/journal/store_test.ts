/** The contract of {@link JournalStore} for the file and memory backends. */
import { storeContract } from "./_store_contract.ts";
import { FileJournalStore } from "./file_store.ts";
import { MemoryJournalStore } from "./memory_store.ts";
import { runMeta } from "./store.ts";
import assert from "node:assert/strict";

storeContract(
  "file",
  async () => new FileJournalStore(await Deno.makeTempDir({ prefix: "tcflow-contract-" })),
);
storeContract("memory", () => Promise.resolve(new MemoryJournalStore()));

Deno.test("runMeta: the workflow file is made absolute with cwd only when it is relative", async () => {
  const meta = (file: string, cwd?: string) =>
    runMeta({
      runId: "r",
      workflow: { name: "w", file, source: "", inputs: [] },
      inputs: {},
      startedMs: 0,
      ...(cwd === undefined ? {} : { cwd }),
    });
  assert.equal((await meta("/abs/w.yaml", "/home/u")).file, "/abs/w.yaml");
  assert.equal((await meta("C:\\wf\\w.yaml", "/home/u")).file, "C:\\wf\\w.yaml");
  assert.equal((await meta("w.yaml", "/home/u/")).file, "/home/u/w.yaml");
  assert.equal((await meta("sub/w.yaml", "/home/u")).file, "/home/u/sub/w.yaml");
  assert.equal((await meta("w.yaml")).file, "w.yaml");
});
