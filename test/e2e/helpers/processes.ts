/**
 * Every child process an e2e test starts is registered here, so that a failing test (or a test runner that
 * dies) never leaves a gateway node or an nginx behind: `killAll()` in `after`, and a last-resort SIGKILL
 * when this process exits.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Map<ChildProcess, NodeJS.Signals>();

/**
 * `lastResort` is sent if the test process exits with the child still running: SIGKILL by default, but
 * SIGTERM for nginx, whose master must live long enough to take its workers down with it.
 */
export function track(proc: ChildProcess, lastResort: NodeJS.Signals = 'SIGKILL'): ChildProcess {
  live.set(proc, lastResort);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

export function isRunning(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** Sends `signal`, escalates to SIGKILL after `graceMs`, resolves once the process is gone. */
export async function terminate(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!isRunning(proc)) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Stops every tracked process that is still running (SIGTERM first, SIGKILL after `graceMs`). */
export async function killAll(graceMs = 5_000): Promise<void> {
  await Promise.all([...live.keys()].map((p) => terminate(p, 'SIGTERM', graceMs)));
}

process.once('exit', () => {
  for (const [p, signal] of live) if (isRunning(p)) p.kill(signal);
});
