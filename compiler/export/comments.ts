// Comments in the exported script: the script's own comments kept in place, and notes wrapped as `-- weir:` lines.
import type { Span } from '../../grammar/ast';

/** The script's comments grouped by the statement they belong to. */
export interface StatementComments {
  /** Comments before the statement (after the previous one), as written. */
  readonly before: readonly string[];
  /** Comments inside the statement. */
  readonly inside: readonly Span[];
  /** Comments that start on the line where the statement ends (`SET ...; -- why`). */
  readonly after: readonly string[];
}

/** A statement's inner comments: printers take the line comments that end their lines; the rest go above it. */
export interface InnerComments {
  /** The `--` comment on `line` (1-based), once; printed at the end of the printer's line for it. */
  take(line: number): string | undefined;
  /** The comments no printer took, in order. */
  rest(): string[];
}

/**
 * Inner comments of a statement, for `take` and `rest`.
 * @example innerComments(text, spans).take(9) // '-- bounded: the job ends after 1,000 rows'
 */
export function innerComments(text: string, spans: readonly Span[]): InnerComments {
  const open = new Set(spans);
  return {
    take: (line) => {
      const c = [...open].find((s) => s.line === line && text.startsWith('--', s.start));
      if (!c) return undefined;
      open.delete(c);
      return text.slice(c.start, c.end);
    },
    rest: () => [...open].map((s) => text.slice(s.start, s.end)),
  };
}

/**
 * Splits the comments among the statements: `result[i]` for statement i, `result[n]` for those after the last.
 * A blank line between two comments in the script is kept (as an empty string).
 * @example attachComments(text, [{ start: 0, end: 40 }], comments)[0].before // ['-- Nexmark q0 ...']
 */
export function attachComments(
  text: string,
  statements: readonly Span[],
  comments: readonly Span[],
): StatementComments[] {
  const groups = [...statements, undefined].map(() => ({
    before: [] as string[],
    inside: [] as Span[],
    after: [] as string[],
  }));
  let previous: Span | undefined;
  for (const c of comments) {
    const body = text.slice(c.start, c.end);
    const next = statements.findIndex((s) => c.start < s.end);
    const prior = (next < 0 ? statements.length : next) - 1;
    const owner = groups[next < 0 ? statements.length : next]!;
    if (next >= 0 && c.start >= statements[next]!.start) {
      owner.inside.push(c);
      continue;
    }
    if (prior >= 0 && !text.slice(statements[prior]!.end, c.start).includes('\n')) {
      groups[prior]!.after.push(body);
      continue;
    }
    if (previous && owner.before.length > 0 && /\n[ \t]*\r?\n/.test(text.slice(previous.end, c.start)))
      owner.before.push('');
    owner.before.push(body);
    previous = c;
  }
  return groups;
}

const WIDTH = 110;

/**
 * A note as `-- weir:` comment lines, wrapped at 110 columns.
 * @example noteLines('CHECKPOINT; → in Flink, ...') // ['-- weir: CHECKPOINT; → in Flink, ...']
 */
export function noteLines(note: string): string[] {
  const lines: string[] = [];
  let line = '-- weir:';
  for (const word of note.split(/\s+/)) {
    if (line.length + 1 + word.length > WIDTH && line.length > 8) {
      lines.push(line);
      line = '--  ';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}
