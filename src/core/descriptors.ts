/**
 * The process's file descriptors: its open-files limit and how many are free. Sockets of every thread
 * (clients, upstreams, cluster links) and files share one table, so these are process-wide figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The soft limit from /proc/self/limits; undefined for "unlimited"; throws when the file cannot be read. */
function readOpenFilesLimit(): number | undefined {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const n = Number(line?.split(/\s{2,}/)[1]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

const outOfDescriptors = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EMFILE' || code === 'ENFILE';
};

/** The soft "Max open files" limit of this process (Linux), or undefined when it cannot be read. */
export function openFilesLimit(): number | undefined {
  try {
    return readOpenFilesLimit();
  } catch {
    return undefined;
  }
}

/**
 * Descriptors this process can still open, or undefined when unknown (no /proc, no limit). Lists
 * /proc/self/fd, which costs about 1 µs per open descriptor: for occasional checks, not per request.
 */
export function freeDescriptors(): number | undefined {
  try {
    const limit = readOpenFilesLimit();
    if (limit === undefined) return undefined;
    // The listing itself holds one descriptor while it runs.
    return limit - (readdirSync('/proc/self/fd').length - 1);
  } catch (err) {
    // Reading /proc needs a descriptor too: failing for want of one means none is free.
    return outOfDescriptors(err) ? 0 : undefined;
  }
}
