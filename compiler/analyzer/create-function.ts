// CREATE FUNCTION … AS 'path.js' LANGUAGE JAVASCRIPT: the module loaded through the host's loader and checked against the contract.
import type { CreateFunctionStatement } from '../../grammar/ast';
import type { Catalog, UserFunction } from '../catalog';
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS } from '../functions';
import { checkUdfModule } from '../udf/contract';
import type { UdfLoader } from '../udf/loader';
import type { Problems } from './problems';

/** The function to add to the catalog (added here), or undefined for `IF NOT EXISTS` of an existing one. */
export function createFunction(
  s: CreateFunctionStatement,
  catalog: Catalog,
  loader: UdfLoader | undefined,
  p: Problems,
): UserFunction | undefined {
  const name = s.name.name;
  const language = s.language?.name.toUpperCase() ?? 'JAVA';
  if (language !== 'JAVASCRIPT')
    throw p.unsupported(
      `CREATE FUNCTION … LANGUAGE ${language} (${s.language ? 'only' : "Flink's default is JAVA; weir runs"} JavaScript modules: CREATE FUNCTION ${name} AS 'path/to/module.js' LANGUAGE JAVASCRIPT)`,
      s.language?.span ?? s.path.span,
    );
  if (catalog.userFunction(name)) {
    if (s.ifNotExists) return undefined;
    throw p.bail('already-exists', `function '${name}' already exists`, s.name.span);
  }
  const upper = name.toUpperCase();
  if (SCALAR_FUNCTIONS.has(upper) || AGGREGATE_FUNCTIONS.has(upper))
    throw p.bail('already-exists', `'${name}' is a built-in function; choose another name`, s.name.span);
  if (!loader)
    throw p.bail(
      'udf-load',
      `cannot load '${s.path.value}': JavaScript functions need a module loader, and this host has none`,
      s.path.span,
    );
  const loaded = loader.load(s.path.value);
  if ('error' in loaded)
    throw p.bail('udf-load', `cannot load '${s.path.value}': ${loaded.error}`, s.path.span);
  const signature = checkUdfModule(loaded.exports);
  if ('error' in signature)
    throw p.bail(
      'udf-contract',
      `'${s.path.value}' is not a user function module: ${signature.error}`,
      s.path.span,
    );
  const fn: UserFunction = {
    name,
    ref: { name, module: loaded.id, kind: signature.kind, async: signature.async },
    signature,
    path: s.path.value,
    temporary: s.temporary,
    span: s.span,
  };
  catalog.addFunction(fn);
  return fn;
}

/** The module paths a script's CREATE FUNCTION … LANGUAGE JAVASCRIPT statements name, for a host to load first. */
export function udfPaths(statements: readonly { readonly statement: { readonly kind: string } }[]): string[] {
  const paths: string[] = [];
  for (const { statement: s } of statements)
    if (s.kind === 'createFunction') {
      const c = s as CreateFunctionStatement;
      if (c.language?.name.toUpperCase() === 'JAVASCRIPT') paths.push(c.path.value);
    }
  return paths;
}
