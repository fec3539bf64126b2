// Source positions: the AST span of a CST token, of a CST node, and of a rule's children taken together.
import type { CstNode, IToken } from 'chevrotain';
import type { Span } from './ast';
import { joinSpans } from './diagnostics';

export function tokenSpan(t: IToken): Span {
  return {
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    column: t.startColumn ?? 1,
  };
}

export function nodeSpan(n: CstNode): Span {
  const l = n.location!;
  return {
    start: l.startOffset,
    end: (l.endOffset ?? l.startOffset) + 1,
    line: l.startLine ?? 1,
    column: l.startColumn ?? 1,
  };
}

/** The span of the node whose children are `ctx`, taken from its first and last tokens. */
export function spanOf(ctx: object): Span {
  let first: Span | undefined;
  let last: Span | undefined;
  for (const list of Object.values(ctx) as (IToken | CstNode)[][]) {
    for (const item of list) {
      const s =
        'location' in item && item.location ? nodeSpan(item) : 'image' in item ? tokenSpan(item) : undefined;
      if (!s || Number.isNaN(s.start)) continue;
      if (!first || s.start < first.start) first = s;
      if (!last || s.end > last.end) last = s;
    }
  }
  return first && last ? joinSpans(first, last) : { start: 0, end: 0, line: 1, column: 1 };
}
