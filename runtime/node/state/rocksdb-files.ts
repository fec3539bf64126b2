// The files of a RocksDB snapshot: hard-linked SSTs and copied CURRENT, MANIFEST and OPTIONS, written and read back.
import { copyFileSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateFileHandle } from '../../checkpoint/metadata';

/**
 * Makes `to` a copy of the database in `from` as of now (the caller has flushed and suspended it): SST
 * files are immutable, so they are hard-linked (copied across file systems); CURRENT, the MANIFEST it
 * names and OPTIONS are copied, since RocksDB appends to them. Returns the file names.
 */
export function linkLiveFiles(from: string, to: string): string[] {
  mkdirSync(to, { recursive: true });
  const current = readFileSync(join(from, 'CURRENT'), 'utf8').trim();
  const names: string[] = [];
  for (const f of readdirSync(from)) {
    if (f.endsWith('.sst')) {
      try {
        linkSync(join(from, f), join(to, f));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        copyFileSync(join(from, f), join(to, f));
      }
    } else if (f === 'CURRENT' || f === current || f.startsWith('OPTIONS-')) {
      copyFileSync(join(from, f), join(to, f));
    } else continue;
    names.push(f);
  }
  return names;
}

/** Whether a file of a RocksDB snapshot is an (immutable) SST file, which checkpoints may share. */
export function isSstFile(name: string): boolean {
  return name.endsWith('.sst');
}

/** Writes a snapshot's files into a fresh folder `dir`, verifying each (its reader checks size and checksum). */
export async function materialize(
  files: readonly { readonly name: string; readonly file: StateFileHandle }[],
  read: (f: StateFileHandle) => Promise<Uint8Array>,
  dir: string,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (!files.some((f) => f.name === 'CURRENT'))
    throw new Error(`a rocksdb snapshot lacks its CURRENT file (${files.length} files listed)`);
  for (const f of files) writeFileSync(join(dir, f.name), await read(f.file));
}
