import { expect } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, type ConfigIssue } from '../../../shared/config/load.js';
import type { GantryConfig } from '../../../shared/config/schema.js';

/** The one service of the test configurations (`services:` to the end of the file). */
export const SERVICES = `services:
  Api:
    image: { registry: r.example.io, repository: api }
    staging:
      application: api-staging
      image: { helmParameter: image.tag }
    production:
      subscriptionId: 00000000-0000-0000-0000-000000000000
      resourceGroup: rg
      cluster: aks
      namespace: prod
      deployment: api
      application: api-prod
      image: { kustomizeImage: api }
`;

/** A small valid configuration; tests replace single lines to make it wrong at a known line. */
export const BASE = `version: 1
defaults:
  approval:
    reviewers: [devops-team]
  canary:
    interval: 1m
    threshold: 5
    stepWeights: [10, 50]
    metrics:
      - name: success
        templateRef: request-success-rate
        thresholdRange: { min: 99 }
${SERVICES}`;

/** BASE with 1-based line `n` replaced (or several lines, in order). */
export function withLines(changes: Record<number, string>, text = BASE): string {
  const lines = text.split('\n');
  for (const [n, line] of Object.entries(changes)) lines[Number(n) - 1] = line;
  return lines.join('\n');
}

/** BASE with text appended under `services:` (a second service, indented two spaces). */
export function withService(yaml: string, text = BASE): string {
  return `${text}${yaml}`;
}

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Change = (defaults: Obj, api: Obj, services: Obj) => void;

export const service = (name: string): Obj => ({
  image: { registry: 'r.example.io', repository: name },
  staging: { application: `${name}-staging`, image: { helmParameter: 'image.tag' } },
  production: {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg',
    cluster: 'aks',
    namespace: 'prod',
    deployment: name,
    application: `${name}-prod`,
    image: { helmParameter: 'image.tag' },
  },
});

export function file(change: Change): string {
  const defaults: Obj = {
    approval: { reviewers: ['devops-team'] },
    canary: {
      interval: '1m',
      stepWeight: 10,
      maxWeight: 50,
      metrics: [{ name: 'success', templateRef: 'request-success-rate', thresholdRange: { min: 99 } }],
    },
  };
  const services: Obj = { Api: service('api') };
  change(defaults, services.Api, services);
  return stringify({ version: 1, defaults, services });
}

export function load(change: Change): GantryConfig {
  return loadConfig(file(change), 'g.yaml');
}

export function issues(change: Change): ConfigIssue[] {
  try {
    load(change);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

/** The issues of a configuration text that must not load. */
export function issuesOf(text: string): ConfigIssue[] {
  try {
    loadConfig(text, 'g.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

export const at = (path: string, message: RegExp | string) =>
  expect.objectContaining({
    path,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
