/**
 * The audit log, replicated through the cluster's last-writer-wins map. Each node appends to its own hash
 * chain (`audit/<node>/<seq>`, entries and verification from audit.ts): concurrent admin changes on
 * different nodes never fork a chain, and every chain can be verified on any node.
 */
import { appendEntry, verifyChain, type AuditEntry, type AuditInput, type ChainAnchor } from './audit.js';

export type NodeAuditEntry = AuditEntry & { node: string };

interface Store {
  readonly nodeId: string;
  setConfig(id: string, value: unknown | null): void;
  configEntries(prefix?: string): Array<[string, unknown]>;
}

const keyOf = (node: string, seq: number) => `audit/${node}/${String(seq).padStart(12, '0')}`;

export class AuditChain {
  private head: ChainAnchor | null = null;

  constructor(private readonly store: Store) {
    const mine = this.chain(store.nodeId);
    const last = mine[mine.length - 1];
    if (last) this.head = { seq: last.seq, hash: last.hash };
  }

  private chain(node: string): NodeAuditEntry[] {
    return this.store.configEntries(`audit/${node}/`).map(([, v]) => v as NodeAuditEntry).filter(Boolean).sort((a, b) => a.seq - b.seq);
  }

  append(input: AuditInput): NodeAuditEntry {
    const entry = { ...appendEntry(this.head, input, Date.now()), node: this.store.nodeId };
    this.store.setConfig(keyOf(entry.node, entry.seq), entry);
    this.head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }

  /** Newest entries of every node's chain, and per chain the first broken seq (null = intact). */
  list(limit: number): { entries: NodeAuditEntry[]; verified: Record<string, number | null> } {
    const byNode = new Map<string, NodeAuditEntry[]>();
    for (const [, v] of this.store.configEntries('audit/')) {
      const e = v as NodeAuditEntry;
      if (!e) continue;
      if (!byNode.has(e.node)) byNode.set(e.node, []);
      byNode.get(e.node)!.push(e);
    }
    const verified: Record<string, number | null> = {};
    const all: NodeAuditEntry[] = [];
    for (const [node, entries] of byNode) {
      entries.sort((a, b) => a.seq - b.seq);
      const v = verifyChain(entries.map(({ node: _n, ...e }) => e));
      verified[node] = v.ok ? null : v.seq;
      all.push(...entries);
    }
    all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.seq - a.seq));
    return { entries: all.slice(0, limit), verified };
  }
}
