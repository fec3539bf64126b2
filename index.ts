// weir as a library: compile scripts, run jobs, read the registries (the CLI is runtime/node/cli.ts).
export * from './compiler/index';
export { parse } from './grammar/index';
export { runJob, JobRunner } from './runtime/engine';
export type { EngineEnvironment } from './runtime/engine';
export { builtinConnectors } from './runtime/connectors/builtin';
export { MemoryCheckpointStorage } from './runtime/checkpoint/memory-storage';
export { FsCheckpointStorage } from './runtime/node/fs-storage';
export { registerNodeConnectors } from './runtime/node/connectors/index';
export { Session } from './runtime/node/session';
