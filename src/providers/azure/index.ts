export { AzureProvider, AZURE_DEFAULT_API_VERSION } from './adapter.js';
