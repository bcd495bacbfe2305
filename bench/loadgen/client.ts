/** The parent's handle on a load generator child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { nodeScript } from '../lib/script.js';
import { track } from '../lib/processes.js';
import type { FromLoadgen, ToLoadgen } from './child.js';
import type { LoadResult, LoadSpec } from './types.js';

export interface Loadgen {
  pid: number;
  /** Applies one load and resolves with its figures; one run at a time. */
  run(spec: LoadSpec): Promise<LoadResult>;
  close(): Promise<void>;
}

export async function startLoadgen(): Promise<Loadgen> {
  const { script, execArgv } = nodeScript(import.meta.url, './child');
  const child: ChildProcess = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  track(child);
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;

  await new Promise<void>((resolve, reject) => {
    const onMsg = (m: FromLoadgen) => {
      if (m.type !== 'ready') return;
      child.off('exit', onExit);
      child.off('message', onMsg);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`loadgen exited during start (code ${code})`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });

  child.on('message', (m: FromLoadgen) => {
    if (m.type === 'ready') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else p.reject(new Error(`loadgen: ${m.message}`));
  });
  child.once('exit', (code, signal) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`loadgen exited (code ${code}, signal ${signal})`));
    pending.clear();
  });

  return {
    pid: child.pid ?? -1,
    run(spec) {
      if (exited) return Promise.reject(new Error('loadgen has exited'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ type: 'run', id, spec } satisfies ToLoadgen);
      });
    },
    close() {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect(); // the child exits when its IPC channel closes
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}
