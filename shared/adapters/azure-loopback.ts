import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** Hosts a plain-http stand-in may listen on (tests and the sandbox); nothing else is ever downgraded. */
export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Azure SDKs' bearer policy refuses any non-https URL (even with no credential), so a loopback
 * stand-in is addressed as `https://` and this policy, run after signing on every attempt, sends it as
 * plain http. Only loopback hosts are ever downgraded.
 */
export function loopbackHttpPolicy(): PipelinePolicy {
  return {
    name: 'gantryLoopbackHttp',
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      if (url.protocol === 'https:' && LOOPBACK.has(url.hostname)) {
        url.protocol = 'http:';
        request.url = url.toString();
        request.allowInsecureConnection = true;
      }
      return next(request);
    },
  };
}
