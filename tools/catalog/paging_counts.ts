/**
 * Prints the paging counts of a catalog (the README's table): the actions that take a paging
 * parameter, those `paginate: true` follows by style, `String` paging fields, documented page
 * size maxima and the actions that cannot page. Reads any checkout's `lib/catalog/data/`, also
 * one from before paging styles were recorded (every recorded pagination was then `Offset`
 * items with a `TotalCount`).
 *
 * Run: `deno run -A tools/catalog/paging_counts.ts [repository root]`.
 *
 * @module
 */

/** Request parameters that place a page, by name. */
const POSITION =
  /^(Offset|Page|PageNumber|PageNum|PageNo|PageIndex|CurrentPage|NextToken|Context|Cursor|NextCursor|ScrollToken|ScrollId|SearchAfter|PageToken|Marker|NextMarker)$/;

interface LooseField {
  name: string;
  type: string;
  deprecated?: boolean;
}
interface LooseAction {
  inputs: LooseField[];
  http?: unknown;
  pagination?: {
    style?: string;
    offset: string;
    offsetType?: string;
    limitType?: string;
    maxLimit?: number;
  };
  notPageable?: string;
}
interface LooseVersion {
  actions: Record<string, LooseAction>;
  structures: Record<string, { fields: LooseField[] }>;
}

/** The counts of one catalog directory. */
export function pagingCounts(dataDir: string): Record<string, number> {
  const c: Record<string, number> = {
    candidates: 0,
    pageable: 0,
    offset: 0,
    page: 0,
    "page (Offset as page number)": 0,
    token: 0,
    "String paging fields": 0,
    "documented max recorded": 0,
    "not pageable (with a reason)": 0,
  };
  for (const dir of Deno.readDirSync(dataDir)) {
    if (!dir.isDirectory) continue;
    for (const file of Deno.readDirSync(`${dataDir}/${dir.name}`)) {
      if (file.name.endsWith(".docs.json")) continue; // documentation only (`lib/catalog/docs.ts`)
      const sv = JSON.parse(
        Deno.readTextFileSync(`${dataDir}/${dir.name}/${file.name}`),
      ) as LooseVersion;
      for (const a of Object.values(sv.actions)) {
        if (a.http !== undefined) continue;
        const live = (fields: LooseField[]) => fields.filter((f) => !f.deprecated);
        const candidate = live(a.inputs).some((f) =>
          POSITION.test(f.name) ||
          (!f.type.endsWith("[]") &&
            live(sv.structures[f.type]?.fields ?? []).some((g) => POSITION.test(g.name)))
        );
        if (candidate) c.candidates!++;
        if (a.notPageable !== undefined) c["not pageable (with a reason)"]!++;
        const p = a.pagination;
        if (p === undefined) continue;
        c.pageable!++;
        const style = p.style ?? "offset";
        c[style] = (c[style] ?? 0) + 1;
        if (style === "page" && p.offset === "Offset") c["page (Offset as page number)"]!++;
        if (p.offsetType === "String" || p.limitType === "String") c["String paging fields"]!++;
        if (p.maxLimit !== undefined) c["documented max recorded"]!++;
      }
    }
  }
  return c;
}

if (import.meta.main) {
  const root = Deno.args[0] ??
    decodeURIComponent(new URL("../..", import.meta.url).pathname).replace(/\/$/, "");
  for (const [k, v] of Object.entries(pagingCounts(`${root}/lib/catalog/data`))) {
    console.log(`${k}: ${v}`);
  }
}
