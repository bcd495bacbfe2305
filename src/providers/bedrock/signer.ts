/**
 * AWS Signature Version 4 for Bedrock Runtime requests, done by @smithy/signature-v4 (never by hand).
 * The only glue is a SHA-256 / HMAC-SHA-256 implementation for it, backed by node:crypto.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The `Checksum` interface @smithy/signature-v4 expects: new Sha256(secret?) -> update() -> digest(). */
export class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.fresh();
  }
}

export interface AwsCredentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface SignInput {
  method: string;
  /** The upstream URL's host (with port when not the default one): the value of the Host header sent. */
  host: string;
  protocol: string;
  /** Full request path with the model id already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export class BedrockSigner {
  private readonly sig: SignatureV4;
  constructor(creds: AwsCredentials, region: string) {
    this.sig = new SignatureV4({ credentials: creds, region, service: 'bedrock', sha256: NodeSha256 });
  }

  /** Returns the headers to send (host, x-amz-date, x-amz-security-token, authorization added). */
  async sign(req: SignInput, signingDate?: Date): Promise<Record<string, string>> {
    const [hostname, port] = req.host.split(':');
    const signed = await this.sig.sign({
      method: req.method, protocol: req.protocol, hostname, port: port ? Number(port) : undefined,
      path: req.path, query: {}, headers: { ...req.headers, host: req.host }, body: req.body,
    }, signingDate ? { signingDate } : undefined);
    return signed.headers as Record<string, string>;
  }
}
