/**
 * Tamper-evident audit trail: a hash chain where each entry commits to the previous one.
 *   hash = sha256(canonical JSON of {seq, at, actor, action, target, before, after, prevHash})
 * Changing, inserting, deleting or reordering any entry breaks verification at that point. Cutting off
 * the tail is only detectable against a remembered head (`expectedHead`), so callers should keep the last
 * hash somewhere else too (e.g. replicated to peers). Secrets are masked before hashing, so the chain
 * never contains them and masking cannot later invalidate it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const MASK = '***';

export interface AuditInput {
  /** Who did it, e.g. "user:alice" or "admin_token:ops". */
  actor: string;
  /** What was done, e.g. "keys.create". */
  action: string;
  /** What it was done to, e.g. "key:k_123". */
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/** Where a (partial) chain continues from: the entry before the first one given. */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

const SECRET_NAMES = new Set(['key', 'api_key', 'apikey', 'secret', 'token', 'password', 'passwd', 'authorization', 'credentials']);
const SECRET_SUFFIXES = ['_key', '_secret', '_token', '_password'];
/** Key-shaped strings anywhere in a value: OpenAI/Anthropic/Switchyard keys, AWS access key ids. */
const SECRET_VALUE = /\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16})\b/g;

/** "apiKey", "API-Key", "api_key" -> "api_key". */
function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

export function isSecretField(name: string): boolean {
  const n = normalizeName(name);
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s));
}

/**
 * Deep copy with secrets masked: any field whose name says secret (key, api_key, secret, token, password,
 * *_key, *_token, ...) becomes "***" unless it is null/undefined (absence is not a secret), and key-shaped
 * substrings in other strings are masked too. Cycles become "[Circular]".
 */
export function maskSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUE, MASK);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((v) => maskSecrets(v, seen));
  else if (value instanceof Date) out = value.toISOString();
  else {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = isSecretField(k) && v !== null && v !== undefined ? MASK : maskSecrets(v, seen);
    out = o;
  }
  seen.delete(value);
  return out;
}

/**
 * Deterministic JSON: object keys sorted by code point, no whitespace, JSON's own rules otherwise
 * (undefined fields dropped, undefined/functions in arrays and non-finite numbers become null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === 'function') return canonicalJson(v.toJSON());
      if (Array.isArray(value)) return `[${value.map((x) => (x === undefined || typeof x === 'function' ? 'null' : canonicalJson(x))).join(',')}]`;
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const x = (value as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        parts.push(`${JSON.stringify(k)}:${canonicalJson(x)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return 'null';
  }
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = { seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, before: e.before, after: e.after, prevHash: e.prevHash };
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** The entry that follows `prev` (null = first entry of the chain), stamped at `now` (epoch ms). */
export function appendEntry(prev: AuditEntry | ChainAnchor | null, input: AuditInput, now: number): AuditEntry {
  // Round-trip through canonical JSON so the stored values are exactly what was hashed (no undefined, no Dates).
  const norm = (v: unknown) => JSON.parse(canonicalJson(maskSecrets(v))) as unknown;
  const body: Omit<AuditEntry, 'hash'> = {
    seq: (prev?.seq ?? 0) + 1,
    at: new Date(now).toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    before: norm(input.before ?? null),
    after: norm(input.after ?? null),
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: entryHash(body) };
}

export type ChainVerdict =
  | { ok: true; count: number; head: ChainAnchor }
  | { ok: false; seq: number; reason: 'seq' | 'prev_hash' | 'hash' | 'head' };

/**
 * Checks sequence numbers, links and hashes in order. `anchor` is the entry before the first one given
 * (default: the genesis, seq 0). `expectedHead` detects a truncated tail. The reported seq is the first
 * entry that does not verify: for an edited entry that is the entry itself; if the editor also recomputed
 * its hash, it is the next entry (whose prevHash no longer matches).
 */
export function verifyChain(entries: readonly AuditEntry[], anchor: ChainAnchor = { seq: 0, hash: GENESIS_HASH }, expectedHead?: ChainAnchor): ChainVerdict {
  let prev = anchor;
  for (const e of entries) {
    const expectedSeq = prev.seq + 1;
    if (e.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: 'seq' };
    if (e.prevHash !== prev.hash) return { ok: false, seq: e.seq, reason: 'prev_hash' };
    if (entryHash(e) !== e.hash) return { ok: false, seq: e.seq, reason: 'hash' };
    prev = { seq: e.seq, hash: e.hash };
  }
  if (expectedHead && (expectedHead.seq !== prev.seq || expectedHead.hash !== prev.hash)) return { ok: false, seq: prev.seq + 1, reason: 'head' };
  return { ok: true, count: entries.length, head: prev };
}

/** The first broken seq, or null when the chain verifies. */
export function verify(entries: readonly AuditEntry[], anchor?: ChainAnchor, expectedHead?: ChainAnchor): number | null {
  const v = verifyChain(entries, anchor, expectedHead);
  return v.ok ? null : v.seq;
}

/** An in-memory chain with an injectable clock (persistence is the caller's: store each appended entry). */
export class AuditLog {
  private readonly list: AuditEntry[] = [];

  constructor(
    private readonly clock: () => number = Date.now,
    private head: ChainAnchor | null = null,
  ) {}

  append(input: AuditInput): AuditEntry {
    const e = appendEntry(this.list.at(-1) ?? this.head, input, this.clock());
    this.list.push(e);
    return e;
  }

  entries(): readonly AuditEntry[] {
    return this.list;
  }

  verify(): number | null {
    return verify(this.list, this.head ?? undefined);
  }
}
