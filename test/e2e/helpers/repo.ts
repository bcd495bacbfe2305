/** Paths into the checkout, found the same way whether this runs from source (tsx) or from dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'switchyard') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the switchyard checkout above test/e2e');
    dir = up;
  }
}

export const REPO_ROOT = findRepoRoot();
/** The `switchyard` launcher; it runs the compiled CLI in dist/. SWITCHYARD_E2E_CLI points the e2e tests at another build. */
export const CLI = process.env.SWITCHYARD_E2E_CLI ?? join(REPO_ROOT, 'bin', 'switchyard.js');
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');
