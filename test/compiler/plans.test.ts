// Golden plan tests: every .sql script compiles to its recorded EXPLAIN, or fails as its `-- fail:` line says.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileScript } from '../../compiler/index';
import { formatDiagnostic } from '../../grammar/index';
import {
  GOLDEN_DIR,
  ROOT,
  expectedFailure,
  goldenPath,
  queryFiles,
  renderGolden,
  scriptName,
  scriptUdfLoader,
} from '../../scripts/update-golden';

const files = queryFiles();
const UPDATE = 'run `npm run golden` to update the golden files, then review their diff';

describe('golden plans', () => {
  it('finds the scripts', () => {
    expect(files.filter((f) => f.startsWith('queries/nexmark/')).length).toBeGreaterThanOrEqual(20);
    expect(files.filter((f) => f.startsWith('test/queries/errors/')).length).toBeGreaterThanOrEqual(45);
  });

  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const failure = expectedFailure(text);
    if (failure) {
      it(`${file} fails with: ${failure.message}`, async () => {
        const udfLoader = await scriptUdfLoader(file, text);
        const { diagnostics } = compileScript(text, { scriptName: scriptName(file), udfLoader });
        const shown = diagnostics.map((d) => formatDiagnostic(file, text, d)).join('\n');
        const matching = diagnostics.filter(
          (d) => d.severity === 'error' && d.message.includes(failure.message),
        );
        expect(matching.length, `no error contains "${failure.message}"; got:\n${shown}`).toBeGreaterThan(0);
        if (failure.line !== undefined) {
          const positions = matching.map((d) => `${d.span.line}:${d.span.column}`);
          expect(
            positions,
            `the error is not at ${failure.line}:${failure.column}; got:\n${shown}`,
          ).toContain(`${failure.line}:${failure.column}`);
        }
      });
    } else {
      it(`${file} matches its golden plan`, async () => {
        const golden = join(ROOT, goldenPath(file));
        if (!existsSync(golden)) expect.fail(`${goldenPath(file)} is missing: ${UPDATE}`);
        const udfLoader = await scriptUdfLoader(file, text);
        expect(renderGolden(file, text, udfLoader), `${goldenPath(file)} differs: ${UPDATE}`).toBe(
          readFileSync(golden, 'utf8'),
        );
      });
    }
  }

  it('has no golden file without its script', () => {
    const wanted = new Set(
      files
        .filter((f) => !expectedFailure(readFileSync(join(ROOT, f), 'utf8')))
        .map((f) => goldenPath(f).slice(GOLDEN_DIR.length + 1)),
    );
    const stale = readdirSync(join(ROOT, GOLDEN_DIR)).filter((n) => n.endsWith('.txt') && !wanted.has(n));
    expect(stale, `stale golden files: ${UPDATE}`).toEqual([]);
  });
});
