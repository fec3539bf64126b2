// SQL string literals: a quoted token's text and its AST node (used by expressions and by statement options).
import type { IToken } from 'chevrotain';
import type { StringLit } from './ast';
import { tokenSpan } from './cst-spans';

/** The text of a string literal token without its quotes, `''` unescaped. */
export function unquoteString(image: string): string {
  return image.slice(1, -1).replace(/''/g, "'");
}

export function stringLit(t: IToken): StringLit {
  return { kind: 'string', value: unquoteString(t.image), span: tokenSpan(t) };
}
