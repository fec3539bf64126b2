// The grammar's API: parse(text) → statements with spans, plus every syntax diagnostic found.
import { type IRecognitionException, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import type { Span, Statement } from './ast';
import { astBuilder, tokenSpan } from './build-ast';
import { type Diagnostic, error, spanAt } from './diagnostics';
import { parser } from './parser';
import { closest, didYouMean } from './similar';
import * as T from './tokens';
import { KEYWORDS } from './tokens';

export type * from './ast';
export * from './diagnostics';
export { KEYWORDS, NON_RESERVED_KEYWORDS } from './tokens';
export { TYPE_NAMES, unquoteString } from './build-ast';

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
  /**
   * Names that statements with errors tried to define (`CREATE TABLE t (...` that did not parse), in script
   * order: the compiler does not report later uses of them again, since the first error explains those.
   */
  readonly brokenDefinitions: readonly { readonly name: string; readonly span: Span }[];
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
  const brokenDefinitions: { name: string; span: Span }[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i]!.tokenType !== T.Semicolon) continue;
    if (i > start) {
      // The last statement of a truncated script is incomplete by construction, and one with a character the
      // lexer dropped is missing a piece: their parse errors would only echo the lexer's.
      const from = start > 0 ? tokens[start - 1]!.startOffset + 1 : 0;
      const to = i < tokens.length ? tokens[i]!.startOffset : text.length;
      const dropped = lexed.errors.some((e) => e.offset >= from && e.offset < to);
      const sink = dropped || (truncated && i === tokens.length) ? [] : diagnostics;
      const slice = tokens.slice(start, i);
      const parsed = parseStatement(text, slice, tokens[i], sink);
      if (parsed && !dropped) statements.push(parsed);
      else {
        const name = definedName(slice);
        if (name) brokenDefinitions.push({ name, span: tokenSpan(slice[0]!) });
      }
    }
    start = i + 1;
  }
  return {
    statements,
    diagnostics: diagnostics.sort((a, b) => a.span.start - b.span.start),
    comments,
    brokenDefinitions,
  };
}

/** The name a `CREATE [TEMPORARY] TABLE|VIEW|FUNCTION [IF NOT EXISTS] name ...` statement defines, if it says. */
function definedName(tokens: readonly IToken[]): string | undefined {
  let i = 0;
  const is = (t: TokenType): boolean => {
    if (tokens[i]?.tokenType !== t) return false;
    i++;
    return true;
  };
  if (!is(T.Create)) return undefined;
  is(T.Temporary);
  if (!is(T.Table) && !is(T.View) && !is(T.Function)) return undefined;
  if (is(T.If)) {
    is(T.Not);
    is(T.Exists);
  }
  const name = tokens[i];
  if (!name) return undefined;
  if (name.tokenType === T.QuotedIdentifier) return name.image.slice(1, -1).replace(/``/g, '`');
  return name.tokenType === T.Identifier || tokenMatcher(name, T.NonReserved) ? name.image : undefined;
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
    // After a recovered error, "expected ';'" on the leftover input only echoes it.
    const errors = parser.errors.filter((e, i) => i === 0 || e.name !== 'NotAllInputParsedException');
    for (const e of errors) diagnostics.push(syntaxError(text, e, tokens, terminator, last));
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
  tokens: readonly IToken[],
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
  const found = atEnd
    ? terminator
      ? "';'"
      : 'end of the script'
    : t.tokenType === T.StringLiteral
      ? `string ${t.image}`
      : `'${t.image}'`;
  // A misspelled keyword reads as a name: suggest the keyword the parser could have taken there.
  // After a complete statement, the parser lists no keywords: a clause keyword may still have been meant.
  const candidates = e.name === 'NotAllInputParsedException' ? CLAUSE_KEYWORDS : expectedKeywords(e.message);
  const hint = !atEnd && t.tokenType === T.Identifier ? didYouMean(t.image, candidates) : '';
  // `SELECT a FORM t`: the misspelled clause keyword was taken as an alias, and the error only comes after it.
  const before = atEnd ? last : tokens[tokens.indexOf(t) - 1];
  const clause =
    !hint && before?.tokenType === T.Identifier ? closest(before.image, CLAUSE_KEYWORDS) : undefined;
  if (clause) {
    return error(
      'syntax',
      `unexpected ${found} after '${before!.image}': expected ${expectedFrom(e)}; did you mean '${clause}' instead of '${before!.image}'?`,
      tokenSpan(before!),
    );
  }
  return error('syntax', `unexpected ${found}: expected ${expectedFrom(e)}${hint}`, span);
}

/** Keywords that start a clause after a name, where a misspelling reads as an alias (`FORM`, `WHER`). */
const CLAUSE_KEYWORDS = [
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'UNION',
  'JOIN',
  'LEFT',
  'INNER',
];

/** Rules whose closing ')' ends a comma-separated list: a ',' would have been accepted there as well. */
const LIST_RULES = new Set([
  'createTable',
  'identifierList',
  'optionList',
  'functionCall',
  'comparison',
  'windowTvf',
  'dataType',
]);

function expectedFrom(e: IRecognitionException): string {
  const m = e.message;
  if (e.name === 'NotAllInputParsedException') return "';' to end the statement";
  // "Expecting token of type --> RParen <-- but found --> 'x' <--"
  const single = /Expecting token of type --> (\w+) <--/.exec(m);
  if (single?.[1] === 'RParen' && LIST_RULES.has(e.context.ruleStack[e.context.ruleStack.length - 1]!))
    return "',' or ')'";
  if (single) return describeToken(single[1]!);
  // "Expecting: one of these possible Token sequences:\n  1. [SELECT]\n  2. [LParen] ..."
  const seqs = [...m.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]!.split(',')[0]!.trim());
  const unique = [...new Set(seqs.map(describeToken))];
  if (unique.length === 0) return 'something else';
  // Every way to start an operand is listed: that is an expression.
  if (['a number', 'a string literal', 'a name'].every((w) => unique.includes(w)))
    return unique.includes("'*'") ? "an expression or '*'" : 'an expression';
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1];
  if (rule === 'dataType') return 'a type such as BIGINT, STRING, TIMESTAMP(3) or ROW<...>';
  if (rule === 'fromPrimary') return "a table name, TABLE(<window function>) or '(' <query> ')'";
  if (rule === 'columnDefinition') return 'a type such as BIGINT or STRING, or AS <expression>';
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
