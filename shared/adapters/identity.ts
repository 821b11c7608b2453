/**
 * The Entra credentials, in a module of their own: `@azure/identity` (with MSAL) is loaded through
 * `lazyCredential` on the first token request, never at start-up.
 */
export { DefaultAzureCredential } from '@azure/identity';
