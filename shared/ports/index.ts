import type { ChatChannels, ChatInbound } from './chat.js';
import type { AppClock } from './clock.js';
import type { Cluster, TrafficRouter } from './cluster.js';
import type { ConfigSource } from './config-source.js';
import type { GitOps } from './gitops.js';
import type { Metrics } from './metrics.js';
import type { Notifier } from './notifier.js';
import type { ImageRegistry } from './registry.js';
import type { RunStore } from './run-store.js';
import type { ScanRunner, SmokeRunner, SourceControl, TestRunner } from './runners.js';

/** Everything an activity may touch, built once by the composition root. */
export interface Ports {
  config: ConfigSource;
  store: RunStore;
  gitops: GitOps;
  cluster: Cluster;
  router: TrafficRouter;
  metrics: Metrics;
  scans: ScanRunner;
  smoke: SmokeRunner;
  tests: TestRunner;
  notifier: Notifier;
  clock: AppClock;
  /** Commit metadata for triggers (lead time from the commit); absent when GitHub is not configured. */
  source?: SourceControl;
  /** Slack and Teams (absent: no chat configured; a route to it is recorded as a notification failure). */
  chat?: ChatChannels;
  /** The container registry: the commit and source an image is labelled with (absent: not read). */
  registry?: ImageRegistry;
  /** Slack's side of chat commands and buttons (users.info, response_url); absent: Slack not configured. */
  chatInbound?: ChatInbound;
}
