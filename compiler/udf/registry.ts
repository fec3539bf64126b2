// The user-function modules loaded in this thread (or Web Worker), by module id: generated code and operators look them up.

const modules = new Map<string, Record<string, unknown>>();

/** Makes a module's default export available to the operators of this thread. */
export function registerUdfModule(id: string, exports: unknown): void {
  modules.set(id, (exports as { default: Record<string, unknown> }).default);
}

export function isUdfModuleRegistered(id: string): boolean {
  return modules.has(id);
}

/** The default export of a registered module; throws naming the function when the host did not load it. */
export function udfDefinition(id: string, name: string): Record<string, unknown> {
  const d = modules.get(id);
  if (!d) throw new Error(`function ${name}: its module ${id} is not loaded in this thread`);
  return d;
}
