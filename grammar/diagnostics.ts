// Errors as data: a code, a message and the span it points at. The CLI and the playground's markers share them.
import type { Span } from './ast';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** A stable short code, e.g. `syntax`, `unknown-column`, `not-supported`. */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  readonly severity: Severity;
}

export function error(code: string, message: string, span: Span): Diagnostic {
  return { code, message, span, severity: 'error' };
}

/** A zero-width span at an offset of `text`, with its line and column computed. */
export function spanAt(text: string, offset: number, length = 0): Span {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return {
    start: clamped,
    end: Math.min(text.length, clamped + length),
    line,
    column: clamped - lineStart + 1,
  };
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  return a.start <= b.start
    ? { start: a.start, end: Math.max(a.end, b.end), line: a.line, column: a.column }
    : { start: b.start, end: Math.max(a.end, b.end), line: b.line, column: b.column };
}

/**
 * Renders `file:line:col: error: message`, the source line and a caret under the span, as compilers do.
 * @example formatDiagnostic('q.sql', text, d) // "q.sql:3:8: error: unknown column 'pric'\n  3 | ..."
 */
export function formatDiagnostic(file: string, text: string, d: Diagnostic): string {
  const lineStart = d.span.start - (d.span.column - 1);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const source = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  const width = Math.max(1, Math.min(d.span.end, lineEnd) - d.span.start);
  const gutter = `${d.span.line} | `;
  return (
    `${file}:${d.span.line}:${d.span.column}: ${d.severity}: ${d.message}\n` +
    `${gutter}${source}\n` +
    `${' '.repeat(gutter.length + d.span.column - 1)}${'^'.repeat(width)}`
  );
}
