/**
 * Sealed `foreach` items: like a step's outputs (`lib/journal/seal.ts`), an item whose outputs
 * redaction changes is also journaled sealed, under the item's own name (`<step>#<index>`, the
 * authenticated data: a seal moved to another item or step does not open), so that `resume`
 * reuses its real outputs instead of `***`.
 *
 * @module
 */
import type { RecordedItem } from "../journal/replay.ts";
import { seal, type Sealed, unseal } from "../journal/seal.ts";
import { type SecretSet, secretsRevealed } from "../secrets.ts";

/** The name an item is sealed under. */
export function itemSealName(stepId: string, index: number): string {
  return `${stepId}#${index}`;
}

/** An item's outputs sealed under its name. */
export async function sealItem(
  key: CryptoKey,
  stepId: string,
  index: number,
  outputs: unknown,
): Promise<Sealed> {
  return await seal(key, itemSealName(stepId, index), outputs);
}

/**
 * The recorded items with the sealed outputs of succeeded ones opened (what they showed
 * redacted becomes secret in this session); items whose seal does not open (other secrets, a
 * seal from elsewhere) keep their recorded outputs.
 */
export async function openItems(
  recorded: Record<string, RecordedItem[]>,
  key: CryptoKey,
  secrets: SecretSet,
): Promise<Record<string, RecordedItem[]>> {
  const out: Record<string, RecordedItem[]> = {};
  for (const [stepId, items] of Object.entries(recorded)) {
    out[stepId] = await Promise.all(items.map(async (item) => {
      if (item.status !== "succeeded" || item.sealed === undefined) return item;
      const opened = await unseal(key, itemSealName(stepId, item.index), item.sealed);
      if (opened === undefined) return item;
      secrets.add(secretsRevealed(item.outputs, opened.outputs));
      return { ...item, outputs: opened.outputs };
    }));
  }
  return out;
}
