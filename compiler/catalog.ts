// The catalog: tables and views created by DDL, looked up by name (case-sensitive, as in Flink).
import type { Query, Span } from '../grammar/ast';
import type { Rex } from './rex';
import type { Field } from './types';
import type { UdfRef, UdfSignature } from './udf/contract';

/** A JavaScript user function created by `CREATE FUNCTION f AS 'path.js' LANGUAGE JAVASCRIPT`. */
export interface UserFunction {
  readonly name: string;
  readonly ref: UdfRef;
  readonly signature: UdfSignature;
  /** The path as written in the script. */
  readonly path: string;
  readonly temporary: boolean;
  readonly span: Span;
}

export interface ComputedColumn {
  /** Position among all columns. */
  readonly index: number;
  /** Over the physical columns. */
  readonly expr: Rex;
}

export interface TableDef {
  readonly name: string;
  /** All columns in declaration order: physical and computed. */
  readonly columns: readonly Field[];
  /** Indexes (into `columns`) of the physical columns, the ones a connector reads or writes. */
  readonly physical: readonly number[];
  readonly computed: readonly ComputedColumn[];
  /** `WATERMARK FOR col AS expr`: the column index, and the expression over all columns. */
  readonly watermark?: { readonly column: number; readonly expr: Rex };
  readonly primaryKey: readonly number[];
  readonly connector: string;
  readonly options: Readonly<Record<string, string>>;
  /** `PARTITIONED BY (…)`: indexes (into `columns`) of the partition columns, in folder order. */
  readonly partitionKeys?: readonly number[];
  readonly span: Span;
}

export interface ViewDef {
  readonly name: string;
  readonly query: Query;
  readonly schema: readonly Field[];
  readonly span: Span;
}

export class Catalog {
  private readonly tables = new Map<string, TableDef>();
  private readonly views = new Map<string, ViewDef>();
  /** By lower-case name: function names are case-insensitive, as in Flink. */
  private readonly functions = new Map<string, UserFunction>();

  userFunction(name: string): UserFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  addFunction(f: UserFunction): void {
    this.functions.set(f.name.toLowerCase(), f);
  }

  dropFunction(name: string): boolean {
    return this.functions.delete(name.toLowerCase());
  }

  userFunctions(): UserFunction[] {
    return [...this.functions.values()];
  }

  table(name: string): TableDef | undefined {
    return this.tables.get(name);
  }

  view(name: string): ViewDef | undefined {
    return this.views.get(name);
  }

  has(name: string): boolean {
    return this.tables.has(name) || this.views.has(name);
  }

  addTable(t: TableDef): void {
    this.tables.set(t.name, t);
  }

  addView(v: ViewDef): void {
    this.views.set(v.name, v);
  }

  drop(name: string): boolean {
    return this.tables.delete(name) || this.views.delete(name);
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  viewNames(): string[] {
    return [...this.views.keys()];
  }

  names(): string[] {
    return [...this.tables.keys(), ...this.views.keys()];
  }
}
