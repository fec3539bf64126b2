// Names as Flink reads them: backquoted when weir's text quoted them, when Flink reserves the word, or when not plain.
import type { Ident } from '../../grammar/ast';
import { FLINK_RESERVED_WORDS } from './reserved-words';

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A name for Flink SQL. Flink keeps the case of every name, quoted or not, so quoting never changes what a
 * name refers to; it only keeps reserved words (`value`, `day`, `dateTime`) from being read as keywords.
 * @example flinkName('dateTime', false) // "`dateTime`"
 */
export function flinkName(name: string, quoted: boolean): string {
  if (quoted || !PLAIN.test(name) || FLINK_RESERVED_WORDS.has(name.toUpperCase()))
    return `\`${name.replace(/`/g, '``')}\``;
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
