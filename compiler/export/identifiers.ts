// Names as Flink reads them: backquoted when weir's text quoted them, when Flink reserves the word, or when not plain.
import type { Ident } from '../../grammar/ast';
import { FLINK_RESERVED_WORDS } from './reserved-words';

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Words of Flink's list that its parser takes as names unquoted (non-reserved keywords): Nexmark's Flink queries
 * write `name`, `state`, `description` and the alias `A` unquoted, and the other single letters are of the same
 * kind. Left unquoted so that common names and aliases read as written.
 */
const NON_RESERVED = new Set(['A', 'C', 'G', 'K', 'M', 'NAME', 'STATE', 'DESCRIPTION']);

function reserved(name: string): boolean {
  const upper = name.toUpperCase();
  return FLINK_RESERVED_WORDS.has(upper) && !NON_RESERVED.has(upper);
}

/**
 * A name for Flink SQL. Flink keeps the case of every name, quoted or not, so quoting never changes what a
 * name refers to; it only keeps reserved words (`value`, `day`, `dateTime`) from being read as keywords.
 * @example flinkName('dateTime', false) // "`dateTime`"
 */
export function flinkName(name: string, quoted: boolean): string {
  if (quoted || !PLAIN.test(name) || reserved(name)) return `\`${name.replace(/`/g, '``')}\``;
  return name;
}

/** An identifier of the AST for Flink SQL (see `flinkName`). */
export function ident(i: Ident): string {
  return flinkName(i.name, i.quoted);
}

/** A string literal: single quotes, a quote inside doubled. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
