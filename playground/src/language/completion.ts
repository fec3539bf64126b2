// Completion: keywords, tables and views, their columns, functions, configuration keys and connector options.
import type { editor, languages, Position } from 'monaco-editor/editor';
import {
  AGGREGATE_FUNCTIONS,
  RANKING_FUNCTIONS,
  CONFIG_KEYS,
  CONNECTORS,
  SCALAR_FUNCTIONS,
  typeToString,
} from '../../../compiler/index';
import { KEYWORDS } from '../../../grammar/index';
import { monaco } from '../monaco';
import { analyze } from './analysis';

export function completionProvider(
  config: () => Readonly<Record<string, string>>,
): languages.CompletionItemProvider {
  return {
    triggerCharacters: ['.', "'"],
    provideCompletionItems(model: editor.ITextModel, position: Position) {
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(
        position.lineNumber,
        word.startColumn,
        position.lineNumber,
        word.endColumn,
      );
      const K = monaco.languages.CompletionItemKind;
      const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const quotes = (line.match(/'/g) ?? []).length;
      // Inside a string: configuration keys after SET, connector names and options inside WITH (...).
      if (quotes % 2 === 1) {
        const start = line.lastIndexOf("'") + 2;
        const r = new monaco.Range(position.lineNumber, start, position.lineNumber, position.column);
        if (/\b(SET|RESET)\s+'[^']*$/i.test(line))
          return {
            suggestions: CONFIG_KEYS.map((k) => ({
              label: k.key,
              kind: K.Property,
              insertText: k.key,
              detail: k.default !== undefined ? `default ${k.default}` : k.kind,
              documentation: k.description,
              range: r,
            })),
          };
        if (/'connector'\s*=\s*'[^']*$/i.test(line))
          return {
            suggestions: [...CONNECTORS.values()].map((c) => ({
              label: c.name,
              kind: K.Module,
              insertText: c.name,
              documentation: c.description,
              range: r,
            })),
          };
        return {
          suggestions: [...CONNECTORS.values()].flatMap((c) =>
            c.options.map((o) => ({
              label: o.key,
              kind: K.Property,
              insertText: o.key,
              detail: `${c.name} option`,
              documentation: o.description,
              range: r,
            })),
          ),
        };
      }
      const { relations } = analyze(model.getValue(), config());
      const dotted = /([A-Za-z_][A-Za-z0-9_$]*)\.\w*$/.exec(line);
      if (dotted) {
        const rel = relations.get(dotted[1]!);
        const cols = rel ? [...rel.columns] : [...relations.values()].flatMap((x) => x.columns);
        return {
          suggestions: cols.map((c) => ({
            label: c.name,
            kind: K.Field,
            insertText:
              /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name) && !KEYWORDS.includes(c.name.toUpperCase())
                ? c.name
                : `\`${c.name}\``,
            detail: typeToString(c.type),
            range,
          })),
        };
      }
      const suggestions: languages.CompletionItem[] = [];
      for (const [name, rel] of relations) {
        suggestions.push({
          label: name,
          kind: rel.kind === 'table' ? K.Struct : K.Interface,
          insertText: name,
          detail: `${rel.kind} (${rel.columns.map((c) => c.name).join(', ')})`,
          range,
        });
        for (const c of rel.columns)
          suggestions.push({
            label: { label: c.name, description: name },
            kind: K.Field,
            insertText:
              /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name) && !KEYWORDS.includes(c.name.toUpperCase())
                ? c.name
                : `\`${c.name}\``,
            detail: `${typeToString(c.type)} — ${name}`,
            range,
          });
      }
      for (const f of [...SCALAR_FUNCTIONS.values(), ...AGGREGATE_FUNCTIONS.values()])
        suggestions.push({
          label: f.name,
          kind: K.Function,
          insertText: `${f.name}($0)`,
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          detail: f.signature,
          documentation: f.description,
          range,
        });
      for (const f of RANKING_FUNCTIONS.values())
        suggestions.push({
          label: f.name,
          kind: K.Function,
          insertText: `${f.name}() OVER (PARTITION BY $1 ORDER BY $0)`,
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          detail: f.signature,
          documentation: f.description,
          range,
        });
      for (const k of KEYWORDS) suggestions.push({ label: k, kind: K.Keyword, insertText: k, range });
      return { suggestions };
    },
  };
}
