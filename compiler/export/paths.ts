// Which paths only make sense on one machine: a Flink cluster resolves relative ones on each process apart.

/**
 * True for a path without a scheme that does not start with '/', or a `file://` URI with a relative path.
 * @example isRelativePath('file://.weir/checkpoints') // true
 */
export function isRelativePath(path: string): boolean {
  if (/^file:\/\//i.test(path)) return !path.startsWith('file:///');
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(path) && !path.startsWith('/');
}
