// Human-readable figures and tables: platform-neutral, in the core (runtime/format.ts), re-exported here.
export * from '../format';
