// The editor's view of a script: the real compiler's diagnostics and catalog, recomputed as the text changes.
import { Compiler, type TableDef } from '../../../compiler/index';
import type { Field } from '../../../compiler/types';
import type { Diagnostic } from '../../../grammar/diagnostics';

export interface Analysis {
  readonly diagnostics: readonly Diagnostic[];
  /** Tables and views the script defines, with their columns. */
  readonly relations: ReadonlyMap<
    string,
    { readonly kind: 'table' | 'view'; readonly columns: readonly Field[]; readonly table?: TableDef }
  >;
}

let cache: { text: string; config: string; analysis: Analysis } | undefined;

/** Compiles `text` as `weir run` would (same parser and analyzer), without running anything. */
export function analyze(text: string, config: Readonly<Record<string, string>>): Analysis {
  const key = JSON.stringify(config);
  if (cache && cache.text === text && cache.config === key) return cache.analysis;
  const compiler = new Compiler({ scriptName: 'playground', config });
  const { diagnostics } = compiler.compile(text);
  const relations = new Map<
    string,
    { kind: 'table' | 'view'; columns: readonly Field[]; table?: TableDef }
  >();
  for (const n of compiler.catalog.tableNames()) {
    const t = compiler.catalog.table(n)!;
    relations.set(n, { kind: 'table', columns: t.columns, table: t });
  }
  for (const n of compiler.catalog.viewNames())
    relations.set(n, { kind: 'view', columns: compiler.catalog.view(n)!.schema });
  const analysis = { diagnostics, relations };
  cache = { text, config: key, analysis };
  return analysis;
}
