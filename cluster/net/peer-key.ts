/**
 * The node's libp2p identity (Ed25519), persisted so that its peer id — and therefore its origin id
 * in every CRDT — survives restarts. Written with mode 0600: it is a private key.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function loadOrCreatePeerKey(clusterDir: string): Promise<PrivateKey> {
  const file = join(clusterDir, 'peer.key');
  // The casts bridge duplicate copies of @libp2p/interface in node_modules (same runtime shape).
  if (existsSync(file)) return privateKeyFromProtobuf(readFileSync(file)) as unknown as PrivateKey;
  const key = (await generateKeyPair('Ed25519')) as unknown as PrivateKey;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, privateKeyToProtobuf(key as unknown as Parameters<typeof privateKeyToProtobuf>[0]), { mode: 0o600 });
  renameSync(tmp, file);
  return key;
}
