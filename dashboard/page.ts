/** What every page shares: its lifecycle and the live line / error banner its poller reports to. */
import { ApiError } from './api.js';
import { h } from './dom.js';
import type { PollStatus } from './poller.js';

export interface Page {
  /** Same page, new query (a filter changed): refresh without rebuilding the form. */
  update?(params: URLSearchParams): void;
  unmount(): void;
}

export interface PageStatus {
  live: HTMLElement;
  error: HTMLElement;
  report(status: PollStatus): void;
}

/**
 * "Live · updated 10:42:05 UTC", or how long until the next try; API errors in a banner. Anything else
 * that breaks a refresh is a bug in the page and goes to the console, where tests and developers see it.
 */
export function pageStatus(clock: () => string): PageStatus {
  const text = h('span', {}, 'Connecting…');
  const live = h('p', { class: 'live' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), text);
  const error = h('p', { class: 'page-error', role: 'alert' });
  return {
    live,
    error,
    report(status) {
      live.classList.toggle('live-error', !status.ok);
      if (status.ok) {
        text.textContent = `Live · updated ${clock()} UTC`;
        error.textContent = '';
        return;
      }
      const retry = `retrying in ${Math.round(status.retryInMs / 1000)} s`;
      // Gantry answered, but not for this caller (sign-in, role, authentication setup): not a network issue.
      const refused = status.error instanceof ApiError && [401, 403, 503].includes(status.error.status);
      text.textContent = refused ? `Refused by Gantry; ${retry}` : `Cannot reach Gantry; ${retry}`;
      if (status.error instanceof ApiError)
        error.textContent = `${status.error.message} (${status.error.code})`;
      else console.error(status.error);
    },
  };
}
