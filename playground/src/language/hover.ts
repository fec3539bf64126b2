// Hover: a column's type (and its table), a table's columns, a function's signature, a configuration key's meaning.
import type { editor, languages, Position } from 'monaco-editor/editor';
import {
  AGGREGATE_FUNCTIONS,
  CONFIG_KEYS,
  RANKING_FUNCTIONS,
  SCALAR_FUNCTIONS,
  typeToString,
} from '../../../compiler/index';
import { monaco } from '../monaco';
import { analyze } from './analysis';

export function hoverProvider(config: () => Readonly<Record<string, string>>): languages.HoverProvider {
  return {
    provideHover(model: editor.ITextModel, position: Position) {
      const line = model.getLineContent(position.lineNumber);
      // A configuration key in quotes.
      for (const m of line.matchAll(/'([a-z0-9.#_-]+)'/gi)) {
        const start = m.index + 1;
        if (position.column - 1 >= start && position.column - 1 <= start + m[1]!.length) {
          const k = CONFIG_KEYS.find((c) => c.key === m[1]);
          if (k)
            return {
              contents: [
                { value: `**${k.key}**${k.default !== undefined ? ` (default \`${k.default}\`)` : ''}` },
                { value: k.description },
              ],
            };
        }
      }
      const word = model.getWordAtPosition(position);
      if (!word) return null;
      const range = new monaco.Range(
        position.lineNumber,
        word.startColumn,
        position.lineNumber,
        word.endColumn,
      );
      const name = word.word;
      const { relations } = analyze(model.getValue(), config());
      const rel = relations.get(name);
      if (rel)
        return {
          range,
          contents: [
            { value: `**${rel.kind} ${name}**${rel.table ? ` — connector \`${rel.table.connector}\`` : ''}` },
            { value: rel.columns.map((c) => `- \`${c.name}\` ${typeToString(c.type)}`).join('\n') },
          ],
        };
      const columns = [...relations].flatMap(([t, r]) =>
        r.columns.filter((c) => c.name === name).map((c) => ({ t, c })),
      );
      if (columns.length)
        return {
          range,
          contents: columns.map(({ t, c }) => ({
            value: `column \`${c.name}\`: **${typeToString(c.type)}** (${t})`,
          })),
        };
      const f =
        SCALAR_FUNCTIONS.get(name.toUpperCase()) ??
        AGGREGATE_FUNCTIONS.get(name.toUpperCase() as never) ??
        RANKING_FUNCTIONS.get(name.toUpperCase());
      if (f) return { range, contents: [{ value: `\`${f.signature}\`` }, { value: f.description }] };
      return null;
    },
  };
}
