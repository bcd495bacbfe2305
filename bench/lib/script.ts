/**
 * Resolves the sibling entry script of a bench module so that the same code runs both compiled
 * (`node dist/bench/...js`) and from source (`npx tsx bench/...ts`, `node --import tsx --test`).
 * Children of a `.ts` parent are started with the tsx loader; children of a `.js` parent with plain node.
 */
import { fileURLToPath } from 'node:url';

export interface NodeScript {
  /** absolute path of the script to run */
  script: string;
  /** node flags the child needs (the tsx loader when running from source) */
  execArgv: string[];
}

/**
 * @param fromUrl `import.meta.url` of the calling module
 * @param relativeNoExt path of the target module relative to the caller, without extension (e.g. `../mock-upstream`)
 */
export function nodeScript(fromUrl: string, relativeNoExt: string): NodeScript {
  const fromSource = fromUrl.endsWith('.ts');
  const script = fileURLToPath(new URL(`${relativeNoExt}.${fromSource ? 'ts' : 'js'}`, fromUrl));
  // Resolve tsx from this package rather than from the cwd, so the bench works from any directory.
  const execArgv = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  return { script, execArgv };
}
