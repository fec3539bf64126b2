// A small cache of compiled patterns (formatters, parsers, regexes) that is cleared whole when full.

const CACHE_LIMIT = 1024;

export function cached<V>(cache: Map<string, V>, key: string, make: (key: string) => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    v = make(key);
    cache.set(key, v);
  }
  return v;
}
