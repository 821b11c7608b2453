export interface Notification {
  kind: 'stage' | 'outcome' | 'incident';
  deploymentId: string;
  service: string;
  /** Monotonic per deployment: consumers (and Service Bus duplicate detection) key on it. */
  sequence: number;
  title: string;
  detail?: Record<string, unknown>;
}

/** Outgoing events (Service Bus topics in Azure). A no-op implementation is used when not configured. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}
