// The compiler's entry: a script (or one shell statement at a time) → compiled statements for the session to run.
import type { Span, Statement } from '../grammar/ast';
import type { Diagnostic } from '../grammar/diagnostics';
import { parse } from '../grammar/index';
import { didYouMean } from '../grammar/similar';
import { analyzeCreateTable } from './analyzer/ddl';
import { analyzeJob } from './analyzer/insert';
import { Bail, Problems } from './analyzer/problems';
import { QueryAnalyzer } from './analyzer/query';
import { Catalog, type TableDef, type UserFunction, type ViewDef } from './catalog';
import { createFunction } from './analyzer/create-function';
import type { UdfLoader } from './udf/loader';
import { CONFIG_KEYS, configKey, configKeyNames } from './config';
import type { LogicalNode } from './logical/plan';
import { checkOptionValue, parseDuration } from './options';
import { optimize } from './optimizer/optimizer';
import { type JobGraph, buildJobGraph } from './physical/build';

/** A job: one INSERT (or bare SELECT), planned down to its job graph. */
export interface CompiledJob {
  /** `pipeline.name`, else `<script>-<n>` for the script's n-th job. */
  readonly name: string;
  readonly statementText: string;
  readonly logical: LogicalNode;
  readonly optimized: LogicalNode;
  /** The optimizer rules that changed the plan, in order. */
  readonly appliedRules: readonly string[];
  readonly graph: JobGraph;
  /** The configuration in force when the job's statement ran (after earlier SETs). */
  readonly config: Readonly<Record<string, string>>;
}

export type CompiledStatement = { readonly span: Span; readonly text: string } & (
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  | { readonly kind: 'reset'; readonly key?: string }
  | { readonly kind: 'createTable'; readonly table: TableDef }
  | { readonly kind: 'createView'; readonly view: ViewDef }
  | { readonly kind: 'drop'; readonly name: string }
  | { readonly kind: 'createFunction'; readonly fn: UserFunction }
  | { readonly kind: 'dropFunction'; readonly name: string }
  | { readonly kind: 'job'; readonly job: CompiledJob }
  | {
      readonly kind: 'explain';
      readonly job: CompiledJob;
      readonly verbose: boolean;
      readonly restoreFrom?: string;
    }
  | { readonly kind: 'checkpoint' }
  | { readonly kind: 'savepoint'; readonly path?: string }
  | {
      readonly kind: 'show';
      readonly what: 'CHECKPOINTS' | 'JOBS' | 'TABLES' | 'VIEWS' | 'FUNCTIONS' | 'USER FUNCTIONS';
    }
  | { readonly kind: 'stopJob'; readonly job: string; readonly withSavepoint: boolean }
);

/** A compiled statement before its span and text are attached. */
type StatementBody = CompiledStatement extends infer U
  ? U extends unknown
    ? Omit<U, 'span' | 'text'>
    : never
  : never;

export interface CompileResult {
  readonly statements: readonly CompiledStatement[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface CompilerOptions {
  /** The script's file name without `.sql`, for job names. Default `job`. */
  readonly scriptName?: string;
  /** Configuration set before the script (command-line flags). */
  readonly config?: Readonly<Record<string, string>>;
  /** Loads the modules of `CREATE FUNCTION … LANGUAGE JAVASCRIPT` (the session's or the playground's). */
  readonly udfLoader?: UdfLoader;
}

/**
 * Compiles statements in order, keeping the catalog, the configuration and the job count between calls,
 * so an interactive shell can feed it one statement at a time. Never throws on bad input.
 * @example new Compiler({ scriptName: 'q5' }).compile(text).diagnostics
 */
export class Compiler {
  readonly catalog = new Catalog();
  readonly config = new Map<string, string>();
  private jobCount = 0;
  /** Names whose definition failed in the current `compile` call: later references to them are not reported again. */
  private readonly failed = new Set<string>();
  private readonly scriptName: string;
  private readonly udfLoader: UdfLoader | undefined;

  constructor(options: CompilerOptions = {}) {
    this.scriptName = options.scriptName ?? 'job';
    this.udfLoader = options.udfLoader;
    for (const [k, v] of Object.entries(options.config ?? {})) this.config.set(canonicalKey(k), v);
  }

  compile(text: string): CompileResult {
    // Only errors shown by this call explain later ones: in the shell, an earlier input's error is out of sight.
    this.failed.clear();
    const parsed = parse(text);
    const diagnostics: Diagnostic[] = [...parsed.diagnostics];
    const statements: CompiledStatement[] = [];
    const broken = [...parsed.brokenDefinitions];
    for (const { statement, text: stmtText, span } of parsed.statements) {
      // Definitions that did not even parse, before this statement: their uses are not reported again.
      while (broken.length > 0 && broken[0]!.span.start < span.start) this.failed.add(broken.shift()!.name);
      const problems = new Problems(this.failed);
      try {
        const compiled = this.statement(statement, stmtText, problems);
        if (compiled && !problems.hasErrors)
          statements.push({ ...compiled, span, text: stmtText } as CompiledStatement);
        else if (problems.hasErrors) this.noteFailedDefinition(statement);
      } catch (e) {
        this.noteFailedDefinition(statement);
        if (!(e instanceof Bail)) {
          // A bug in weir must not lose the user's position: report it on the statement.
          problems.report('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`, span);
        }
      }
      diagnostics.push(...problems.list);
    }
    return { statements, diagnostics: diagnostics.sort((a, b) => a.span.start - b.span.start) };
  }

  private noteFailedDefinition(s: Statement): void {
    if (s.kind === 'createTable' || s.kind === 'createView' || s.kind === 'createFunction')
      this.failed.add(s.name.name);
  }

  private statement(s: Statement, text: string, p: Problems): StatementBody | undefined {
    switch (s.kind) {
      case 'set': {
        const key = s.key.value;
        const spec = configKey(key);
        if (!spec) {
          p.warn(
            'unknown-config',
            `unknown configuration key '${key}'; it is kept but has no effect${didYouMean(key, configKeyNames())}`,
            s.key.span,
          );
        } else {
          const problem = checkOptionValue(spec, s.value.value);
          if (problem) throw p.bail('bad-config', `'${key}': ${problem}`, s.value.span);
        }
        this.config.set(canonicalKey(key), s.value.value);
        return { kind: 'set', key, value: s.value.value };
      }
      case 'reset':
        if (s.key) this.config.delete(canonicalKey(s.key.value));
        else this.config.clear();
        return { kind: 'reset', key: s.key?.value };
      case 'createTable': {
        if (this.catalog.has(s.name.name)) {
          if (s.ifNotExists) return undefined;
          throw p.bail('already-exists', `table or view '${s.name.name}' already exists`, s.name.span);
        }
        const table = analyzeCreateTable(s, p);
        if (!p.hasErrors) this.catalog.addTable(table);
        return { kind: 'createTable', table };
      }
      case 'createView': {
        if (this.catalog.has(s.name.name)) {
          if (s.ifNotExists) return undefined;
          throw p.bail('already-exists', `table or view '${s.name.name}' already exists`, s.name.span);
        }
        const analyzed = new QueryAnalyzer(this.catalog, p).query(s.query);
        const view: ViewDef = {
          name: s.name.name,
          query: s.query,
          schema: analyzed.plan.schema,
          span: s.span,
        };
        this.catalog.addView(view);
        return { kind: 'createView', view };
      }
      case 'createFunction': {
        const fn = createFunction(s, this.catalog, this.udfLoader, p);
        return fn && { kind: 'createFunction', fn };
      }
      case 'drop': {
        if (s.what === 'FUNCTION') {
          if (!this.catalog.dropFunction(s.name.name)) {
            if (s.ifExists) return undefined;
            throw p.bail('unknown-function', `unknown function '${s.name.name}'`, s.name.span);
          }
          return { kind: 'dropFunction', name: s.name.name };
        }
        const exists = s.what === 'TABLE' ? this.catalog.table(s.name.name) : this.catalog.view(s.name.name);
        if (!exists) {
          if (s.ifExists) return undefined;
          const names = s.what === 'TABLE' ? this.catalog.tableNames() : this.catalog.viewNames();
          throw p.bail(
            'unknown-table',
            `unknown ${s.what.toLowerCase()} '${s.name.name}'${didYouMean(s.name.name, names)}`,
            s.name.span,
          );
        }
        this.catalog.drop(s.name.name);
        return { kind: 'drop', name: s.name.name };
      }
      case 'insert':
      case 'query':
        return { kind: 'job', job: this.job(s, text, p, true) };
      case 'explain':
        return {
          kind: 'explain',
          job: this.job(s.statement, text, p, false),
          verbose: s.verbose,
          restoreFrom: s.restoreFrom?.value,
        };
      case 'checkpoint':
        return { kind: 'checkpoint' };
      case 'savepoint':
        return { kind: 'savepoint', path: s.path?.value };
      case 'show':
        return { kind: 'show', what: s.what };
      case 'stopJob':
        return { kind: 'stopJob', job: s.job.value, withSavepoint: s.withSavepoint };
    }
  }

  private job(s: Parameters<typeof analyzeJob>[0], text: string, p: Problems, counts: boolean): CompiledJob {
    const logical = analyzeJob(s, this.catalog, p, {
      allowLateness: parseDuration(this.config.get('table.exec.emit.allow-lateness') ?? '0') ?? 0,
    });
    const config = Object.fromEntries(this.config);
    const n = counts ? ++this.jobCount : this.jobCount + 1;
    const name = config['pipeline.name'] ?? `${this.scriptName}-${n}`;
    const { plan: optimized, applied } = optimize(logical);
    const graph = buildJobGraph(optimized, {
      name,
      parallelism: Number(config['parallelism.default'] ?? CONFIG_DEFAULT('parallelism.default')),
      maxParallelism: Number(
        config['pipeline.max-parallelism'] ?? CONFIG_DEFAULT('pipeline.max-parallelism'),
      ),
      stateTtl: parseDuration(config['table.exec.state.ttl'] ?? '0') ?? 0,
      reuseSource:
        (
          config['table.optimizer.reuse-source-enabled'] ??
          CONFIG_DEFAULT('table.optimizer.reuse-source-enabled')
        ).toLowerCase() === 'true',
    });
    return { name, statementText: text, logical, optimized, appliedRules: applied, graph, config };
  }
}

/** The main name of a configuration key given by an alias (Flink 1 spellings map to Flink 2's). */
export function canonicalKey(key: string): string {
  return configKey(key)?.key ?? key;
}

function CONFIG_DEFAULT(key: string): string {
  return CONFIG_KEYS.find((k) => k.key === key)!.default!;
}

/** Compiles a whole script at once. */
export function compileScript(text: string, options: CompilerOptions = {}): CompileResult {
  return new Compiler(options).compile(text);
}
