// Collecting diagnostics during analysis, and bailing out of a statement whose meaning is lost.
import type { Span } from '../../grammar/ast';
import { type Diagnostic, error } from '../../grammar/diagnostics';

/** Thrown to abandon the current statement after its diagnostic was recorded; caught per statement. */
export class Bail extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export class Problems {
  readonly list: Diagnostic[] = [];

  /**
   * @param failed names (tables, views, functions) whose definition failed earlier in the script: a later
   * reference to one is not reported again, since the first error already explains it.
   */
  constructor(readonly failed: ReadonlySet<string> = new Set()) {}

  /** Abandons the statement without a new diagnostic, when `name` already failed to be defined. */
  quietBail(name: string, code: string, message: string, span: Span): Bail {
    if (this.failed.has(name)) return new Bail(error(code, message, span));
    return this.bail(code, message, span);
  }

  /** Records an error and continues (the caller substitutes something harmless). */
  report(code: string, message: string, span: Span): void {
    this.list.push(error(code, message, span));
  }

  warn(code: string, message: string, span: Span): void {
    this.list.push({ code, message, span, severity: 'warning' });
  }

  /** Records an error and returns the exception that abandons the statement: `throw problems.bail(...)`. */
  bail(code: string, message: string, span: Span): Bail {
    const d = error(code, message, span);
    this.list.push(d);
    return new Bail(d);
  }

  /** `not supported: <feature>`, the one message form for features weir parses but does not run. */
  unsupported(feature: string, span: Span): Bail {
    return this.bail('not-supported', `not supported: ${feature}`, span);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}
