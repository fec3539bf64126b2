// The compiler's public API: compile scripts, explain jobs, and the registries tools show (functions, connectors, config).
export { Compiler, compileScript, canonicalKey } from './compile';
export type { CompiledJob, CompiledStatement, CompileResult, CompilerOptions } from './compile';
export { explainJob, explainJobJson, explainLogical, explainJobGraph } from './explain/plan';
export { CONFIG_KEYS, configKey } from './config';
export { CONNECTORS } from './connectors';
export { SCALAR_FUNCTIONS, AGGREGATE_FUNCTIONS, RANKING_FUNCTIONS } from './functions';
export type * from './physical/job-graph';
export type { TableDef, ViewDef } from './catalog';
export type { LogicalNode } from './logical/plan';
export type { Rex } from './rex';
export type { SqlType, Field } from './types';
export { typeToString } from './types';
