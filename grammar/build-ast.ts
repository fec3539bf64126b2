// The CST → AST visitor: turns the parser's concrete tree into readonly, kind-tagged AST nodes with spans.
import { StatementBuilder } from './build-statements';

export { TYPE_NAMES } from './build-types';
export { tokenSpan } from './cst-spans';
export { unquoteString } from './string-literals';

/**
 * Builds AST nodes. It is only given statements that parsed without error, so every required child exists;
 * problems the grammar cannot express (an unknown type name) go to `diagnostics`. Each rule's method lives in
 * the layer of its concept: build-types.ts → build-expressions.ts → build-queries.ts → build-statements.ts.
 */
class AstBuilder extends StatementBuilder {
  constructor() {
    super();
    this.validateVisitor();
  }
}

/** The one builder instance (the visitor's validation is costly, like the parser's). */
export const astBuilder = new AstBuilder();
