/**
 * The Entra credentials, in a module of their own: `@azure/identity` (with MSAL) is loaded through
 * `lazyCredential` on the first token request, never at start-up. Importing this CommonJS module keeps
 * the SDK's CommonJS build, the one the other Azure SDK clients already share.
 */
export { DefaultAzureCredential } from '@azure/identity';
