// The AST builder's base layer: identifiers and data types, and the diagnostics unknown type names go to.
import type * as A from './ast';
import type * as C from './cst';
import { tokenSpan, spanOf } from './cst-spans';
import { type Diagnostic, error } from './diagnostics';
import { parser } from './parser';
import { closest } from './similar';

const BaseVisitor = parser.getBaseCstVisitorConstructor();

/** Type names as written (aliases included) → the type; the playground colours them. */
export const TYPE_NAMES: Readonly<Record<string, A.TypeName>> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  VARCHAR: 'VARCHAR',
  CHAR: 'VARCHAR',
  STRING: 'STRING',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  DATE: 'DATE',
};

/**
 * Visits the names and types rules. Problems the grammar cannot express (an unknown type name) go to
 * `diagnostics`. Only a layer: `AstBuilder` (build-ast.ts) completes and validates the visitor.
 */
export abstract class TypeBuilder extends BaseVisitor {
  diagnostics: Diagnostic[] = [];

  dataType(ctx: C.DataTypeCstChildren): A.DataTypeNode {
    const span = spanOf(ctx);
    const args = (ctx.typeArgs ?? []).map((t) => Number(t.image));
    const notNull = !!ctx.NOT;
    if (ctx.ROW) {
      return {
        kind: 'dataType',
        name: 'ROW',
        args,
        fields: (ctx.fields ?? []).map((f) => this.visit(f)),
        notNull,
        span,
      };
    }
    const token = ctx.typeName![0];
    const name = TYPE_NAMES[token.image.toUpperCase()];
    if (!name) {
      const names = Object.keys(TYPE_NAMES);
      const known = `${names.join(', ')}, ROW<...>`;
      const hint = closest(token.image, names);
      const message = hint
        ? `unknown type '${token.image}'; did you mean '${hint}'? (types: ${known})`
        : `unknown type '${token.image}'; expected one of ${known}`;
      this.diagnostics.push(error('unknown-type', message, tokenSpan(token)));
      return { kind: 'dataType', name: 'STRING', args: [], fields: [], notNull, span };
    }
    return { kind: 'dataType', name, args, fields: [], notNull, span };
  }

  rowField(ctx: C.RowFieldCstChildren): A.RowFieldNode {
    return { name: this.visit(ctx.name), type: this.visit(ctx.dataType) };
  }

  identifier(ctx: C.IdentifierCstChildren): A.Ident {
    const t = (ctx.Identifier ?? ctx.QuotedIdentifier ?? ctx.NonReserved)![0];
    const quoted = t.tokenType.name === 'QuotedIdentifier';
    return { name: quoted ? t.image.slice(1, -1).replace(/``/g, '`') : t.image, quoted, span: tokenSpan(t) };
  }
}
