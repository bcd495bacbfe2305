/** What the numbers were measured on: stored next to every result, because a figure without it is noise. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  cpus: number;
  availableParallelism: number;
  cpuMHz: number | null;
  totalMemoryMiB: number;
  os: string;
  kernel: string;
  arch: string;
  node: string;
  v8: string;
  uv: string;
  loadAverage1m: number;
  hostname: string;
  /** commit of the checkout the bench ran from, if it is a git checkout */
  commit: string | null;
}

export function describeMachine(repoRoot?: string): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    availableParallelism: os.availableParallelism(),
    cpuMHz: cpus[0]?.speed || null,
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.version()}`,
    kernel: os.release(),
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    uv: process.versions.uv,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    hostname: os.hostname(),
    commit: gitCommit(repoRoot),
  };
}

function gitCommit(cwd: string | undefined): string | null {
  try {
    // Read-only: rev-parse never touches the index or the working tree.
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** One line for console headers and Markdown captions. */
export function machineLine(m: MachineDescription): string {
  return `${m.cpuModel}, ${m.cpus} cores, ${m.totalMemoryMiB} MiB, ${m.os} (${m.arch}), Node ${m.node}`;
}
