import type { Notifier } from '../ports/notifier.js';

/** Used when no namespace is configured (local runs, tests): notifications are dropped. */
export class NoopNotifier implements Notifier {
  async publish(): Promise<void> {}
}
