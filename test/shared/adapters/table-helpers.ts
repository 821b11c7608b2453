/** Test helpers for the Table Storage adapter: request counting and URL rewriting in the SDK pipeline. */
import type { TableServiceClientOptions } from '@azure/data-tables';

let prefixes = 0;
/** A fresh table prefix per store, so tests share one Azurite without seeing each other's rows. */
export const nextPrefix = (): string => `t${Date.now().toString(36)}x${++prefixes}`;

/** Client options whose pipeline counts requests and may rewrite each one first. */
export function counting(rewrite?: (url: string) => string): {
  sent: () => number;
  clientOptions: TableServiceClientOptions;
} {
  let sent = 0;
  return {
    sent: () => sent,
    clientOptions: {
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'count-requests',
            sendRequest: (request, next) => {
              sent++;
              if (rewrite) request.url = rewrite(request.url);
              return next(request);
            },
          },
        },
      ],
    },
  };
}
