// Comments in the exported script: the script's own comments kept in place, and notes wrapped as `-- weir:` lines.
import type { Span } from '../../grammar/ast';

/** The script's comments grouped by the statement they belong to. */
export interface StatementComments {
  /** Comments before the statement (after the previous one), and those inside it, as written. */
  readonly before: readonly string[];
  /** Comments that start on the line where the statement ends (`SET ...; -- why`). */
  readonly after: readonly string[];
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
  const groups = [...statements, undefined].map(() => ({ before: [] as string[], after: [] as string[] }));
  let previous: Span | undefined;
  for (const c of comments) {
    const body = text.slice(c.start, c.end);
    const next = statements.findIndex((s) => c.start < s.end);
    const prior = (next < 0 ? statements.length : next) - 1;
    if (prior >= 0 && !text.slice(statements[prior]!.end, c.start).includes('\n')) {
      groups[prior]!.after.push(body);
      continue;
    }
    const owner = groups[next < 0 ? statements.length : next]!;
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
