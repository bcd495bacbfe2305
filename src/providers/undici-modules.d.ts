// Types for undici's internal modules imported by undici-parts.ts (the package declares only its index).
declare module 'undici/lib/core/errors.js' {
  import type { errors } from 'undici';
  const errorsImpl: typeof errors;
  export default errorsImpl;
}
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';
  const ClientImpl: typeof Client;
  export default ClientImpl;
}
declare module 'undici/lib/core/connect.js' {
  import type { Client } from 'undici';
  /** The options the transport passes (undici's BuildOptions has more). */
  const buildConnectorImpl: (options?: { timeout?: number | null }) => Extract<NonNullable<Client.Options['connect']>, (...args: never[]) => unknown>;
  export default buildConnectorImpl;
}
