// The AST builder's statement layer: DDL (CREATE/DROP), INSERT, EXPLAIN, SET/RESET, checkpoints, SHOW, STOP JOB.
import type { CstNode } from 'chevrotain';
import type * as A from './ast';
import type * as C from './cst';
import { nodeSpan, spanOf } from './cst-spans';
import { stringLit } from './string-literals';
import { QueryBuilder } from './build-queries';

/** Visits the statement rules. Only a layer: `AstBuilder` (build-ast.ts) completes and validates the visitor. */
export abstract class StatementBuilder extends QueryBuilder {
  statement(ctx: C.StatementCstChildren): A.Statement {
    // A bare query is a statement of its own kind; its node is the query (as under EXPLAIN).
    if (ctx.query) return { kind: 'query', query: this.visit(ctx.query), span: nodeSpan(ctx.query[0]!) };
    const child = Object.values(ctx)[0]![0] as CstNode;
    return this.visit(child);
  }

  setStatement(ctx: C.SetStatementCstChildren): A.SetStatement {
    return {
      kind: 'set',
      key: stringLit(ctx.key[0]),
      value: stringLit(ctx.value[0]),
      span: spanOf(ctx),
    };
  }

  resetStatement(ctx: C.ResetStatementCstChildren): A.ResetStatement {
    return { kind: 'reset', key: ctx.key ? stringLit(ctx.key[0]) : undefined, span: spanOf(ctx) };
  }

  createStatement(ctx: C.CreateStatementCstChildren): A.Statement {
    const temporary = !!ctx.TEMPORARY;
    const span = spanOf(ctx);
    if (ctx.createTable) return { ...this.visit(ctx.createTable), span };
    if (ctx.createView) return { ...this.visit(ctx.createView), temporary, span };
    return { ...this.visit(ctx.createFunction!), temporary, span };
  }

  ifNotExists(): true {
    return true;
  }

  createTable(ctx: C.CreateTableCstChildren): A.CreateTableStatement {
    const elements: A.TableElement[] = [];
    let watermark: A.WatermarkNode | undefined;
    let primaryKey: A.CreateTableStatement['primaryKey'];
    for (const el of ctx.tableElement) {
      const c = el.children;
      if (c.watermarkDefinition) watermark = this.visit(c.watermarkDefinition);
      else if (c.primaryKeyDefinition) primaryKey = this.visit(c.primaryKeyDefinition);
      else elements.push(this.visit(c.columnDefinition!));
    }
    return {
      kind: 'createTable',
      name: this.visit(ctx.name),
      ifNotExists: !!ctx.ifNotExists,
      elements,
      watermark,
      primaryKey,
      partitionedBy: ctx.partitionedBy
        ? { columns: this.visit(ctx.partitionedBy), span: nodeSpan(ctx.partitionedBy[0]) }
        : undefined,
      options: ctx.optionList ? this.visit(ctx.optionList) : [],
      span: spanOf(ctx),
    };
  }

  tableElement(): never {
    throw new Error('tableElement is visited through createTable');
  }

  watermarkDefinition(ctx: C.WatermarkDefinitionCstChildren): A.WatermarkNode {
    return { column: this.visit(ctx.column), expr: this.visit(ctx.expression), span: spanOf(ctx) };
  }

  primaryKeyDefinition(ctx: C.PrimaryKeyDefinitionCstChildren): A.CreateTableStatement['primaryKey'] {
    return { columns: this.visit(ctx.identifierList), enforced: !ctx.ENFORCED, span: spanOf(ctx) };
  }

  columnDefinition(ctx: C.ColumnDefinitionCstChildren): A.TableElement {
    const name: A.Ident = this.visit(ctx.name);
    const span = spanOf(ctx);
    if (ctx.expression) return { kind: 'computed', name, expr: this.visit(ctx.expression), span };
    return { kind: 'physical', name, type: this.visit(ctx.dataType!), span };
  }

  identifierList(ctx: C.IdentifierListCstChildren): A.Ident[] {
    return ctx.identifier.map((i) => this.visit(i));
  }

  optionList(ctx: C.OptionListCstChildren): A.TableOption[] {
    const keys = ctx.key ?? [];
    return keys.map((k, i) => ({ key: stringLit(k), value: stringLit(ctx.value![i]) }));
  }

  createView(ctx: C.CreateViewCstChildren): Omit<A.CreateViewStatement, 'temporary'> {
    return {
      kind: 'createView',
      name: this.visit(ctx.name),
      ifNotExists: !!ctx.ifNotExists,
      query: this.visit(ctx.query),
      span: spanOf(ctx),
    };
  }

  createFunction(ctx: C.CreateFunctionCstChildren): Omit<A.CreateFunctionStatement, 'temporary'> {
    return {
      kind: 'createFunction',
      name: this.visit(ctx.name),
      ifNotExists: !!ctx.ifNotExists,
      path: stringLit(ctx.path[0]),
      language: ctx.language ? this.visit(ctx.language) : undefined,
      span: spanOf(ctx),
    };
  }

  dropStatement(ctx: C.DropStatementCstChildren): A.DropStatement {
    return {
      kind: 'drop',
      what: ctx.TABLE ? 'TABLE' : ctx.VIEW ? 'VIEW' : 'FUNCTION',
      name: this.visit(ctx.name),
      ifExists: !!ctx.IF,
      span: spanOf(ctx),
    };
  }

  insertStatement(ctx: C.InsertStatementCstChildren): A.InsertStatement {
    return {
      kind: 'insert',
      table: this.visit(ctx.table),
      columns: ctx.columns ? this.visit(ctx.columns) : [],
      query: this.visit(ctx.query),
      span: spanOf(ctx),
    };
  }

  explainStatement(ctx: C.ExplainStatementCstChildren): A.ExplainStatement {
    const statement: A.InsertStatement | A.QueryStatement = ctx.insertStatement
      ? this.visit(ctx.insertStatement)
      : { kind: 'query', query: this.visit(ctx.query!), span: nodeSpan(ctx.query![0]) };
    return {
      kind: 'explain',
      verbose: !!ctx.VERBOSE,
      restoreFrom: ctx.restorePath ? stringLit(ctx.restorePath[0]) : undefined,
      statement,
      span: spanOf(ctx),
    };
  }

  checkpointStatement(ctx: C.CheckpointStatementCstChildren): A.CheckpointStatement {
    return { kind: 'checkpoint', span: spanOf(ctx) };
  }

  savepointStatement(ctx: C.SavepointStatementCstChildren): A.SavepointStatement {
    return { kind: 'savepoint', path: ctx.path ? stringLit(ctx.path[0]) : undefined, span: spanOf(ctx) };
  }

  showStatement(ctx: C.ShowStatementCstChildren): A.ShowStatement {
    const what = ctx.CHECKPOINTS
      ? 'CHECKPOINTS'
      : ctx.JOBS
        ? 'JOBS'
        : ctx.TABLES
          ? 'TABLES'
          : ctx.VIEWS
            ? 'VIEWS'
            : ctx.USER
              ? 'USER FUNCTIONS'
              : 'FUNCTIONS';
    return { kind: 'show', what, span: spanOf(ctx) };
  }

  stopJobStatement(ctx: C.StopJobStatementCstChildren): A.StopJobStatement {
    return {
      kind: 'stopJob',
      job: stringLit(ctx.job[0]),
      withSavepoint: !!ctx.SAVEPOINT,
      span: spanOf(ctx),
    };
  }
}
