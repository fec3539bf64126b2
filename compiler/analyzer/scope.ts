// Name resolution: which column of which FROM relation a name like `a`, `t.a` or `t.r.f` means.
import type { ColumnRef, Ident } from '../../grammar/ast';
import type { WindowSpec } from '../logical/plan';
import { type Rex, inputRef } from '../rex';
import { closest } from '../../grammar/similar';
import type { Field, SqlType } from '../types';
import type { Problems } from './problems';

/** A column visible in a scope; window columns remember the window table function that made them. */
export interface ScopeField extends Field {
  readonly window?: { readonly spec: WindowSpec; readonly role: 'start' | 'end' | 'time' };
}

/** One FROM item: its name for qualification and its columns, at `offset` in the combined row. */
export interface Relation {
  readonly alias?: string;
  readonly fields: readonly ScopeField[];
  readonly offset: number;
}

export class Scope {
  readonly fields: readonly ScopeField[];

  constructor(readonly relations: readonly Relation[]) {
    this.fields = relations.flatMap((r) => r.fields);
  }

  static of(alias: string | undefined, fields: readonly ScopeField[]): Scope {
    return new Scope([{ alias, fields, offset: 0 }]);
  }

  /** The two scopes side by side, as a join sees them. */
  static join(left: Scope, right: Scope): Scope {
    const shift = left.fields.length;
    return new Scope([
      ...left.relations,
      ...right.relations.map((r) => ({ ...r, offset: r.offset + shift })),
    ]);
  }

  relation(alias: string): Relation | undefined {
    return this.relations.find((r) => r.alias === alias);
  }

  /**
   * Resolves a column reference into an input reference, or a ROW field access on one.
   * Reports unknown and ambiguous names with the closest spelling.
   */
  resolve(ref: ColumnRef, problems: Problems): Rex {
    const [first, second] = ref.path;
    // t.col[.field…]: a qualified column.
    if (second) {
      const rel = this.relation(first!.name);
      if (rel) {
        const i = rel.fields.findIndex((f) => f.name === second.name);
        if (i < 0) {
          const hint = closest(
            second.name,
            rel.fields.map((f) => f.name),
          );
          throw problems.bail(
            'unknown-column',
            `unknown column '${second.name}' in '${first!.name}'${hint ? `; did you mean '${hint}'?` : ''} (columns: ${columnList(rel.fields)})`,
            second.span,
          );
        }
        return accessFields(inputRef(rel.offset + i, rel.fields[i]!.type), ref.path.slice(2), problems);
      }
    }
    // col[.field…]: an unqualified column, possibly a ROW.
    const matches = this.relations.flatMap((r) =>
      r.fields.flatMap((f, i) => (f.name === first!.name ? [{ rel: r, index: r.offset + i, field: f }] : [])),
    );
    if (matches.length > 1) {
      const where = matches.map((m) => (m.rel.alias ? `'${m.rel.alias}'` : 'a subquery')).join(' and ');
      throw problems.bail(
        'ambiguous-column',
        `ambiguous column '${first!.name}': it is in ${where}; qualify it, e.g. ${matches[0]!.rel.alias ?? 't'}.${first!.name}`,
        first!.span,
      );
    }
    if (matches.length === 0) {
      if (second && this.relations.length > 0) {
        const hint = closest(first!.name, [
          ...this.relations.map((r) => r.alias ?? ''),
          ...this.fields.map((f) => f.name),
        ]);
        throw problems.bail(
          'unknown-column',
          `unknown table or column '${first!.name}'${hint ? `; did you mean '${hint}'?` : ''}`,
          first!.span,
        );
      }
      const hint = closest(
        first!.name,
        this.fields.map((f) => f.name),
      );
      const known =
        this.fields.length > 0 ? ` (columns: ${columnList(this.fields)})` : ' (the query has no FROM clause)';
      throw problems.bail(
        'unknown-column',
        `unknown column '${first!.name}'${hint ? `; did you mean '${hint}'?` : ''}${known}`,
        first!.span,
      );
    }
    const m = matches[0]!;
    return accessFields(inputRef(m.index, m.field.type), ref.path.slice(1), problems);
  }

  /** The scope field an input reference points at. */
  field(index: number): ScopeField {
    return this.fields[index]!;
  }
}

function columnList(fields: readonly Field[]): string {
  const names = fields.map((f) => f.name);
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, ...` : names.join(', ');
}

function accessFields(base: Rex, path: readonly Ident[], problems: Problems): Rex {
  let r = base;
  for (const part of path) {
    const t: SqlType = r.type;
    if (t.kind !== 'ROW') {
      throw problems.bail(
        'unknown-column',
        `'${part.name}' is not a field: the value before it is not a ROW`,
        part.span,
      );
    }
    const i = t.fields.findIndex((f) => f.name === part.name);
    if (i < 0) {
      const hint = closest(
        part.name,
        t.fields.map((f) => f.name),
      );
      throw problems.bail(
        'unknown-column',
        `unknown field '${part.name}'${hint ? `; did you mean '${hint}'?` : ''} (fields: ${t.fields.map((f) => f.name).join(', ')})`,
        part.span,
      );
    }
    const f = t.fields[i]!;
    r = {
      kind: 'fieldAccess',
      expr: r,
      index: i,
      name: f.name,
      type: t.nullable ? { ...f.type, nullable: true } : f.type,
    };
  }
  return r;
}
