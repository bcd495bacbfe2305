// Placeholder until the azure adapter lands: replace with `export { AzureProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const AzureProvider = unimplementedProvider('azure');
