// Builds the CLI once before the suites that spawn real `weir` processes (crash tests).
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  execSync('npx tsup --silent', { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
