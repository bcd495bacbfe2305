import { readFileSync } from 'node:fs';

/** Resident set size of a process from /proc/<pid>/status, kB: current (VmRSS) and peak (VmHWM). null when unreadable. */
export function processMemoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(s), hwm = /VmHWM:\s+(\d+) kB/.exec(s);
    return rss && hwm ? { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) } : null;
  } catch {
    return null;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the peak seen and all samples. */
export function sampleRss(pid: number, everyMs = 200): { stop(): { peakKb: number; hwmKb: number; samples: number[] } } {
  const samples: number[] = [];
  const take = () => { const m = processMemoryKb(pid); if (m) samples.push(m.rssKb); };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakKb: Math.max(0, ...samples), hwmKb: processMemoryKb(pid)?.hwmKb ?? 0, samples };
    },
  };
}
