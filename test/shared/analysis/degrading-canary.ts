import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { loadConfig, type LoadOptions } from '../../../shared/config/load.js';
import type { Metrics } from '../../../shared/ports/metrics.js';

/**
 * The degrading canary of issue 6 (see degrade-real.test.ts for the arithmetic): NGINX counters for a
 * canary that degrades 7 minutes after its traffic starts, and the configuration that judges it. Shared
 * by the live run (degrade-real) and the backtest of the same history (backtest-real).
 */

export const MIN = 60_000;
export const SCRAPE = 15_000;
const CANARY_RPS = 20;
const PRIMARY_RPS = 100;
export const DEGRADE_AT = 7 * MIN;
const ERROR_SHARE = 0.2;
// ApiGateway is a train over two clusters reporting to one Prometheus: its series carry the cluster the
// built-in templates match by default (the example's production cluster, where the canary runs).
const LABELS = 'namespace="hearloveen-prod",ingress="api-gateway",cluster="hearloveen-aks-prod"';
const CANARY_LABEL = 'canary="hearloveen-prod-api-gateway-canary-80"';

/** NGINX request counters for the primary (30 min of history) and the canary (from S), every 15 s. */
export function openMetrics(s: number): string {
  const lines = ['# TYPE nginx_ingress_controller_requests unknown'];
  const perScrape = (rps: number) => (rps * SCRAPE) / 1000;
  let canaryOk = 0;
  let canaryErrors = 0;
  for (let t = s - 30 * MIN; t <= s + 20 * MIN; t += SCRAPE) {
    const n = (t - (s - 30 * MIN)) / SCRAPE;
    const stamp = (t / 1000).toFixed(3);
    const series = (labels: string, value: number) =>
      lines.push(`nginx_ingress_controller_requests{${labels}} ${value} ${stamp}`);
    // The primary also answers a few 503s: they must not count against the canary.
    series(`${LABELS},canary="",status="200"`, 1_000_000 + n * perScrape(PRIMARY_RPS));
    series(`${LABELS},canary="",status="503"`, 50 + n);
    if (t < s) continue;
    if (t > s + DEGRADE_AT) {
      canaryErrors += perScrape(CANARY_RPS) * ERROR_SHARE;
      canaryOk += perScrape(CANARY_RPS) * (1 - ERROR_SHARE);
    } else if (t > s) canaryOk += perScrape(CANARY_RPS);
    series(`${LABELS},${CANARY_LABEL},status="200"`, canaryOk);
    if (canaryErrors > 0) series(`${LABELS},${CANARY_LABEL},status="500"`, canaryErrors);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** The example configuration with this canary block, auto-approved at any hour. */
export function config(canary: string, options: LoadOptions = {}): FileConfigSource {
  const example = readFileSync('config/gantry.example.yaml', 'utf8');
  const text = example
    .replace(/\n {2}canary:\n[\s\S]*?\n(?= {2}verification:)/, `\n${canary}\n`)
    .replace(
      "{ from: '02:00', to: '06:00', timeZone: UTC }",
      "{ from: '00:00', to: '24:00', timeZone: UTC }",
    );
  expect(text).toContain(canary);
  expect(text).not.toContain("from: '02:00'");
  return new FileConfigSource(loadConfig(text, 'degrade.yaml', options));
}

export const FLAGGER = `  canary:
    interval: 1m
    threshold: 2
    maxWeight: 50
    stepWeight: 5
    minRequests: 100
    metrics:
      - name: request-success-rate
        thresholdRange: { min: 99 }
        interval: 1m`;

export const FAIL_FAST = `${FLAGGER}
        failFast: { min: 95 }
    fastCheckInterval: 15s`;

/** A metrics port that waits for Prometheus: the data is written once traffic has reached the canary. */
export class LateMetrics implements Metrics {
  private resolve!: (m: Metrics) => void;
  private readonly ready = new Promise<Metrics>((r) => (this.resolve = r));
  set(m: Metrics): void {
    this.resolve(m);
  }
  query: Metrics['query'] = async (q) => (await this.ready).query(q);
  queryRange: Metrics['queryRange'] = async (q, r) => (await this.ready).queryRange(q, r);
  firingAlerts: Metrics['firingAlerts'] = async (m, v, at) => (await this.ready).firingAlerts(m, v, at);
}
