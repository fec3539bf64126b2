// The grammar's API: parse(text) → statements with spans, plus every syntax diagnostic found.
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Span, Statement } from './ast';
import { astBuilder, tokenSpan } from './build-ast';
import { type Diagnostic, error, spanAt } from './diagnostics';
import { parser } from './parser';
import { didYouMean } from './similar';
import * as T from './tokens';
import { KEYWORDS } from './tokens';

export type * from './ast';
export * from './diagnostics';
export { KEYWORDS, NON_RESERVED_KEYWORDS } from './tokens';
export { unquoteString } from './build-ast';

/** A statement and the slice of the script it was written in. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly text: string;
  readonly span: Span;
}

export interface ParseResult {
  readonly statements: readonly ParsedStatement[];
  readonly diagnostics: readonly Diagnostic[];
  /** Comments, for tools (the playground keeps them when formatting). */
  readonly comments: readonly Span[];
}

/**
 * Parses a script. Never throws: problems come back as diagnostics, and every statement that parsed
 * cleanly is returned even when others did not.
 * @example parse("SET 'parallelism.default' = '2'; SELECT 1;").statements.length // 2
 */
export function parse(text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = T.lexer.tokenize(text);
  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    diagnostics.push(
      error(
        'syntax',
        `unexpected character '${ch}'; expected a keyword, name, literal or operator`,
        spanAt(text, e.offset, e.length),
      ),
    );
  }
  // Unterminated strings, names and comments run to the end of the script: report them and stop there.
  const tokens: IToken[] = [];
  let truncated = false;
  for (const t of lexed.tokens) {
    const message = UNTERMINATED.get(t.tokenType);
    if (message) {
      diagnostics.push(error('syntax', message, tokenSpan(t)));
      truncated = true;
      break;
    }
    tokens.push(t);
  }
  const comments: Span[] = (lexed.groups.comments ?? []).map(tokenSpan);

  const statements: ParsedStatement[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i]!.tokenType !== T.Semicolon) continue;
    if (i > start) {
      // The last statement of a truncated script is incomplete by construction: its parse errors would only echo the lexer's.
      const sink = truncated && i === tokens.length ? [] : diagnostics;
      const parsed = parseStatement(text, tokens.slice(start, i), tokens[i], sink);
      if (parsed) statements.push(parsed);
    }
    start = i + 1;
  }
  return { statements, diagnostics: diagnostics.sort((a, b) => a.span.start - b.span.start), comments };
}

const UNTERMINATED = new Map([
  [T.UnterminatedString, "unterminated string literal: expected a closing '"],
  [T.UnterminatedQuotedIdentifier, 'unterminated quoted identifier: expected a closing `'],
  [T.UnterminatedComment, "unterminated comment: expected '*/' before the end of the script"],
]);

function parseStatement(
  text: string,
  tokens: IToken[],
  terminator: IToken | undefined,
  diagnostics: Diagnostic[],
): ParsedStatement | undefined {
  parser.input = tokens;
  const cst = parser.statement();
  const last = tokens[tokens.length - 1]!;
  const span: Span = { ...tokenSpan(tokens[0]!), end: (last.endOffset ?? last.startOffset) + 1 };
  if (parser.errors.length > 0) {
    for (const e of parser.errors) diagnostics.push(syntaxError(text, e, terminator, last));
    return undefined;
  }
  const before = astBuilder.diagnostics.length;
  const statement = astBuilder.visit(cst) as Statement;
  const built = astBuilder.diagnostics.splice(before);
  diagnostics.push(...built);
  if (built.length > 0) return undefined;
  return { statement, text: text.slice(span.start, span.end), span };
}

/** Chevrotain's messages, reworded to say what was expected where, in SQL terms. */
function syntaxError(
  text: string,
  e: IRecognitionException,
  terminator: IToken | undefined,
  last: IToken,
): Diagnostic {
  const t = e.token;
  const atEnd = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
  const span = atEnd
    ? terminator
      ? tokenSpan(terminator)
      : spanAt(text, (last.endOffset ?? last.startOffset) + 1)
    : tokenSpan(t);
  const found = atEnd ? (terminator ? "';'" : 'the end of the script') : `'${t.image}'`;
  // A misspelled keyword reads as a name: suggest the keyword the parser could have taken there.
  const hint = !atEnd && t.tokenType === T.Identifier ? didYouMean(t.image, expectedKeywords(e.message)) : '';
  return error('syntax', `unexpected ${found}: expected ${expectedFrom(e)}${hint}`, span);
}

function expectedFrom(e: IRecognitionException): string {
  const m = e.message;
  if (e.name === 'NotAllInputParsedException') return "';' to end the statement";
  // "Expecting token of type --> RParen <-- but found --> 'x' <--"
  const single = /Expecting token of type --> (\w+) <--/.exec(m);
  if (single) return describeToken(single[1]!);
  // "Expecting: one of these possible Token sequences:\n  1. [SELECT]\n  2. [LParen] ..."
  const seqs = [...m.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]!.split(',')[0]!.trim());
  const unique = [...new Set(seqs.map(describeToken))];
  if (unique.length === 0) return 'something else';
  if (unique.length > 8) return `${unique.slice(0, 8).join(', ')}, ...`;
  return unique.length === 1
    ? unique[0]!
    : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function expectedKeywords(message: string): string[] {
  return [...message.matchAll(/\b([A-Z_]{2,})\b/g)].map((x) => x[1]!).filter((w) => KEYWORDS.includes(w));
}

const TOKEN_WORDS: Record<string, string> = {
  Identifier: 'a name',
  QuotedIdentifier: 'a name',
  NonReserved: 'a name',
  StringLiteral: 'a string literal',
  NumberLiteral: 'a number',
  LParen: "'('",
  RParen: "')'",
  Comma: "','",
  Dot: "'.'",
  Semicolon: "';'",
  Equals: "'='",
  NotEquals: "'<>'",
  Less: "'<'",
  LessEquals: "'<='",
  Greater: "'>'",
  GreaterEquals: "'>='",
  Plus: "'+'",
  Minus: "'-'",
  Star: "'*'",
  Slash: "'/'",
  Percent: "'%'",
  Concat: "'||'",
};

function describeToken(name: string): string {
  return TOKEN_WORDS[name] ?? (/^[A-Z_]+$/.test(name) ? name : name);
}
