import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
let hooked = false;

/** A fresh directory under the OS temp dir, removed when this process exits (or earlier via the returned function). */
export function tempDir(prefix: string): { path: string; remove(): void } {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  }
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  dirs.add(path);
  return {
    path,
    remove() {
      dirs.delete(path);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
