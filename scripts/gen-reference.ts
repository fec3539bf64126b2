// Regenerates the reference tables in README.md (between the reference markers) from the compiler's registries.
import { readFileSync, writeFileSync } from 'node:fs';
import { referenceMarkdown } from './reference';

const file = new URL('../README.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const start = '<!-- reference:start -->';
const end = '<!-- reference:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < 0) throw new Error('README.md lacks the reference markers');
writeFileSync(file, `${text.slice(0, a + start.length)}\n${referenceMarkdown()}\n${text.slice(b)}`);
