/**
 * Cuts frames under a share of all samples from a set of stacks, leaving their time with their caller, as a
 * flame graph draws it (the caller keeps its width; every frame kept keeps its exact total). Keeps results
 * files small; the profile tables are computed before this, from every sample.
 */
import type { FlameStack } from '../lib/flamegraph.js';
import type { StackTime } from './cpuprofile.js';

interface Trie { self: number; total: number; children: Map<string, Trie> }

export function pruneStacks(stacks: StackTime[], minFraction: number): FlameStack[] {
  const root: Trie = { self: 0, total: 0, children: new Map() };
  for (const s of stacks) {
    let node = root;
    node.total += s.us;
    for (const f of s.frames) {
      let next = node.children.get(f.name);
      if (!next) node.children.set(f.name, (next = { self: 0, total: 0, children: new Map() }));
      next.total += s.us;
      node = next;
    }
    node.self += s.us;
  }
  const min = root.total * minFraction;
  const out: FlameStack[] = [];
  const walk = (node: Trie, path: string[]) => {
    let self = node.self;
    for (const [name, child] of node.children) {
      if (child.total < min) self += child.total;
      else walk(child, [...path, name]);
    }
    if (path.length && Math.round(self) > 0) out.push({ frames: path, value: Math.round(self) });
  };
  walk(root, []);
  return out;
}
