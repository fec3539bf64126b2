// The weir language for Monaco's Monarch tokenizer, generated from grammar/tokens.ts (the one keyword list).
import type { languages } from 'monaco-editor/editor';
import { AGGREGATE_FUNCTIONS, RANKING_FUNCTIONS, SCALAR_FUNCTIONS } from '../../../compiler/index';
import { KEYWORDS, TYPE_NAMES } from '../../../grammar/index';

export const LANGUAGE_ID = 'weir-sql';

export function functionNames(): string[] {
  return [...SCALAR_FUNCTIONS.keys(), ...AGGREGATE_FUNCTIONS.keys(), ...RANKING_FUNCTIONS.keys()];
}

export function monarchLanguage(): languages.IMonarchLanguage {
  return {
    ignoreCase: true,
    defaultToken: '',
    keywords: KEYWORDS.map((k) => k.toLowerCase()),
    // ROW and TIMESTAMP are keywords of the grammar; as types they colour as types.
    typeKeywords: [...Object.keys(TYPE_NAMES), 'ROW'].map((t) => t.toLowerCase()),
    builtins: functionNames().map((f) => f.toLowerCase()),
    operators: ['=', '<>', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '||'],
    tokenizer: {
      root: [
        [/--.*$/, 'comment'],
        [/\/\*/, 'comment', '@comment'],
        [/'/, 'string', '@string'],
        [/`/, 'identifier.quote', '@quoted'],
        [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
        [
          /[A-Za-z_][A-Za-z0-9_$]*/,
          {
            cases: {
              '@typeKeywords': 'type',
              '@keywords': 'keyword',
              '@builtins': 'predefined',
              '@default': 'identifier',
            },
          },
        ],
        [/[;,.()]/, 'delimiter'],
        [/<>|!=|<=|>=|\|\||[=<>+\-*/%]/, 'operator'],
        [/\s+/, 'white'],
      ],
      comment: [
        [/\*\//, 'comment', '@pop'],
        [/[^*]+/, 'comment'],
        [/\*/, 'comment'],
      ],
      string: [
        [/''/, 'string.escape'],
        [/[^']+/, 'string'],
        [/'/, 'string', '@pop'],
      ],
      quoted: [
        [/``/, 'identifier.escape'],
        [/[^`]+/, 'identifier'],
        [/`/, 'identifier.quote', '@pop'],
      ],
    },
  };
}

export const languageConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '--', blockComment: ['/*', '*/'] },
  brackets: [['(', ')']],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: "'", close: "'", notIn: ['string', 'comment'] },
    { open: '`', close: '`', notIn: ['string', 'comment'] },
  ],
};
