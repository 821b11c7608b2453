import { expect } from 'vitest';
import { loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import type { CanarySpec } from '../../../shared/contracts/plan.js';
import { SERVICES } from './fixtures.js';

export { issuesOf } from './fixtures.js';

/**
 * `spec.analysis` of Flagger's Istio tutorial (docs/gitbook/tutorials/istio-progressive-delivery.md),
 * copied with its comments: interval 1m, threshold 5, maxWeight 50, stepWeight 10, the two built-in
 * metrics named without templateRef, and the load tester's webhooks.
 */
export const FLAGGER_ISTIO = `
analysis:
  # schedule interval (default 60s)
  interval: 1m
  # max number of failed metric checks before rollback
  threshold: 5
  # max traffic percentage routed to canary
  # percentage (0-100)
  maxWeight: 50
  # canary increment step
  # percentage (0-100)
  stepWeight: 10
  metrics:
  - name: request-success-rate
    # minimum req success rate (non 5xx responses)
    # percentage (0-100)
    thresholdRange:
      min: 99
    interval: 1m
  - name: request-duration
    # maximum req duration P99
    # milliseconds
    thresholdRange:
      max: 500
    interval: 30s
  # testing (optional)
  webhooks:
    - name: acceptance-test
      type: pre-rollout
      url: http://flagger-loadtester.test/
      timeout: 30s
      metadata:
        type: bash
        cmd: "curl -sd 'test' http://podinfo-canary:9898/token | grep token"
    - name: load-test
      url: http://flagger-loadtester.test/
      timeout: 5s
      metadata:
        cmd: "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"
`;

/** The same tutorial's traffic-mirroring variant: `iterations` instead of weights (blue/green). */
export const FLAGGER_MIRROR = `
analysis:
  # schedule interval
  interval: 1m
  # max number of failed metric checks before rollback
  threshold: 5
  # total number of iterations
  iterations: 10
  # enable traffic shadowing
  mirror: true
  # weight of the traffic mirrored to your canary (defaults to 100%)
  mirrorWeight: 100
  metrics:
  - name: request-success-rate
    thresholdRange:
      min: 99
    interval: 1m
  - name: request-duration
    thresholdRange:
      max: 500
    interval: 1m
  webhooks:
    - name: load-test
      url: http://flagger-loadtester.test/
      timeout: 5s
      metadata:
        cmd: "hey -z 1m -q 10 -c 2 http://podinfo.test:9898/"
`;

/**
 * A Gantry file whose `defaults.canary` is an `analysis:` block as written in a Flagger `Canary`: the
 * block's own lines are kept, only re-indented under `defaults:` (its first line becomes `canary:`).
 */
export function file(analysis: string): string {
  const block = analysis
    .trim()
    .split('\n')
    .map((line, i) => (i === 0 ? '  canary:' : `  ${line}`))
    .join('\n');
  return `version: 1
defaults:
  approval:
    reviewers: [devops-team]
${block}
${SERVICES}`;
}

export const canaryOf = (text: string): CanarySpec => planFor(loadConfig(text, 'g.yaml'), 'Api').canary;

/** 1-based line of the only line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  expect(index, needle).toBeGreaterThanOrEqual(0);
  expect(
    lines.filter((l) => l.includes(needle)),
    needle,
  ).toHaveLength(1);
  return index + 1;
}

/** Adds Gantry lines (two-space indented, as in the analysis block) after the `threshold:` line. */
export const withGantry = (analysis: string, ...lines: string[]) =>
  analysis.replace(/(\n {2}threshold: \d+\n)/, `$1${lines.map((l) => `  ${l}`).join('\n')}\n`);
