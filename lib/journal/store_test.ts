/** The contract of {@link JournalStore} for the file and memory backends. */
import { storeContract } from "./_store_contract.ts";
import { FileJournalStore } from "./file_store.ts";
import { MemoryJournalStore } from "./memory_store.ts";

storeContract(
  "file",
  async () => new FileJournalStore(await Deno.makeTempDir({ prefix: "tcflow-contract-" })),
);
storeContract("memory", () => Promise.resolve(new MemoryJournalStore()));
