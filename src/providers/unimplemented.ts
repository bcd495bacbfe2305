/**
 * Placeholder used while an adapter family is being written: every call is a clear 501, so a
 * configured-but-unfinished provider never pretends to work.
 */
import { GatewayError } from '../core/errors.js';
import type { ResolvedProvider } from '../config/index.js';
import type { ProviderKind } from './catalog.js';
import type { Provider } from './types.js';

export function unimplementedProvider(family: string) {
  const fail = (): never => { throw new GatewayError({ status: 501, type: 'api_error', code: 'not_implemented', message: `${family} adapter is not implemented yet` }); };
  return class implements Provider {
    constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {}
    get name() { return this.config.name; }
    chat = async () => fail();
    chatStream = async () => fail();
    completions = async () => fail();
    completionsStream = async () => fail();
    embeddings = async () => fail();
    listModels = async () => [];
    close = async () => {};
  };
}
