// Loads JavaScript user-function modules under Node: paths relative to the script, ES modules by file URL, per thread.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { udfPaths } from '../../compiler/analyzer/create-function';
import type { JobGraph } from '../../compiler/physical/job-graph';
import { udfModulesOf } from '../../compiler/udf/graph';
import type { LoadedUdfModule, UdfLoader } from '../../compiler/udf/loader';
import { isUdfModuleRegistered, registerUdfModule } from '../../compiler/udf/registry';
import { parse } from '../../grammar/index';

type Loaded = LoadedUdfModule | { readonly error: string };

/** What an import failure says: the message, and for a syntax error the module's line. */
function describe(e: unknown, id: string): string {
  if (!(e instanceof Error)) return String(e);
  const at = e.stack
    ?.split('\n')
    .find((l) => l.includes(id.replace(/^file:\/\//, '')))
    ?.trim();
  return `${e.name}: ${e.message}${at && !e.message.includes(at) ? ` (${at})` : ''}`;
}

/**
 * The session's loader: `preload(file, text)` imports every module the text's CREATE FUNCTION statements name
 * (relative to the script's folder), then the compiler's synchronous `load` finds them.
 */
export class NodeUdfLoader implements UdfLoader {
  private readonly modules = new Map<string, Loaded>();
  private base = process.cwd();

  /** Loads the modules `text` names; paths are relative to `file`'s folder (the working folder for the shell). */
  async preload(file: string | undefined, text: string): Promise<void> {
    this.base = file && existsSync(file) ? dirname(resolve(file)) : process.cwd();
    for (const path of udfPaths(parse(text).statements)) {
      const id = this.idOf(path);
      if (this.modules.has(id)) continue;
      const file = resolve(this.base, path);
      if (!existsSync(file)) {
        this.modules.set(id, { error: `no such file ${file}` });
        continue;
      }
      try {
        const exports: unknown = await import(id);
        registerUdfModule(id, exports);
        this.modules.set(id, { id, exports });
      } catch (e) {
        this.modules.set(id, { error: describe(e, id) });
      }
    }
  }

  load(path: string): Loaded {
    return this.modules.get(this.idOf(path)) ?? { error: 'the module was not loaded before compiling' };
  }

  private idOf(path: string): string {
    return pathToFileURL(resolve(this.base, path)).href;
  }
}

/** A worker thread imports the modules a job calls (by their ids, file URLs) before it builds the job's tasks. */
export async function loadUdfModules(graph: JobGraph): Promise<void> {
  for (const id of udfModulesOf(graph))
    if (!isUdfModuleRegistered(id)) registerUdfModule(id, await import(id));
}
