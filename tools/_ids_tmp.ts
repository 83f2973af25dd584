import { findMutants } from "./mutate/operators.ts";
for (const arg of Deno.args) {
  const [file, line, col, op] = arg.split(":");
  const src = await Deno.readTextFile(file!);
  for (const m of findMutants(file!, src)) {
    if (m.line === Number(line) && m.column === Number(col) && (op === undefined || m.operator === op)) console.log(file, JSON.stringify(m.id), JSON.stringify(m.original), JSON.stringify(m.replacement));
  }
}
