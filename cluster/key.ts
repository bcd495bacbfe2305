/**
 * The cluster secret: 32 bytes, given as 64 hex chars or as a libp2p swarm key file
 * ("/key/swarm/psk/1.0.0/", "/base16/", hex). pnet wants the swarm key file form.
 */
const HEX64 = /^[0-9a-fA-F]{64}$/;

export function parseClusterKey(hexOrFileContents: string): Uint8Array {
  const lines = hexOrFileContents
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let hex: string | undefined;
  if (lines.length === 1) hex = lines[0];
  else if (lines.length === 3 && lines[0] === '/key/swarm/psk/1.0.0/' && lines[1] === '/base16/') hex = lines[2];
  if (hex === undefined || !HEX64.test(hex)) {
    // Never echo the input: it may be (a mangled copy of) the secret.
    throw new Error(
      'invalid cluster key: expected 64 hex characters (32 bytes), or a swarm key file "/key/swarm/psk/1.0.0/\\n/base16/\\n<64 hex>"; ' +
        'generate one with: openssl rand -hex 32',
    );
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** The pnet swarm key file for a 32-byte key. */
export function swarmKeyFile(key: Uint8Array): Uint8Array {
  if (key.byteLength !== 32) throw new RangeError('cluster key must be 32 bytes');
  return new TextEncoder().encode(`/key/swarm/psk/1.0.0/\n/base16/\n${Buffer.from(key).toString('hex')}`);
}
