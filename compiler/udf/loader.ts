// The module loader the compiler is given: the session (Node) or the playground (a page tab) loads; the core never imports.

/** A loaded module: its id (what a worker thread imports again) and its exports. */
export interface LoadedUdfModule {
  readonly id: string;
  readonly exports: unknown;
}

/**
 * Resolves and returns a module named by `CREATE FUNCTION … AS 'path'`, synchronously: loading is asynchronous,
 * so a host loads every module a script names first (see `udfPaths`) and then compiles. MUST NOT throw.
 */
export interface UdfLoader {
  load(path: string): LoadedUdfModule | { readonly error: string };
}
