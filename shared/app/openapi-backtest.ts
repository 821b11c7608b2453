/**
 * OpenAPI path and schemas of `POST /api/analysis/backtest` (a canary spec judged on a past window's
 * metrics, nothing deployed). Merged into the document in openapi.ts.
 */
import { READER } from '../domain/roles.js';
import { MAX_BACKTEST_ROUNDS, MAX_BACKTEST_WINDOW_MS } from './backtest-limits.js';
import { guarded } from './openapi-security.js';
import { error, json, ref, type Json } from './openapi-kit.js';

const readerGuard = guarded([READER]);

const instant = { type: 'string', format: 'date-time' };
const nullableNumber = { type: ['number', 'null'] };
const tally = {
  type: 'object',
  properties: {
    failed: { type: 'integer' },
    inconclusive: { type: 'integer' },
    consecutiveErrors: { type: 'integer' },
    passed: { type: 'integer' },
  },
  required: ['failed', 'inconclusive', 'consecutiveErrors', 'passed'],
  additionalProperties: false,
};

export const backtestSchemas: Record<string, Json> = {
  BacktestCheck: {
    type: 'object',
    description: 'One check of one round, as a live canary records it (timeline `check:` entries).',
    properties: {
      at: instant,
      round: { enum: ['interval', 'fast'] },
      step: { type: 'integer', description: '0-based traffic step the round belongs to.' },
      weight: { type: 'integer', description: 'The weight the canary would have had.' },
      metric: { type: 'string' },
      kind: { enum: ['metric', 'fail-fast', 'alerts', 'baseline'] },
      value: nullableNumber,
      verdict: { enum: ['pass', 'fail', 'inconclusive'] },
      reason: { type: 'string' },
      requests: nullableNumber,
      min: { type: 'number' },
      max: { type: 'number' },
      error: { type: 'boolean', description: 'The metrics provider failed (counts as an error interval).' },
      query: { type: 'string', description: 'The rendered query.' },
    },
    required: ['at', 'round', 'step', 'weight', 'metric', 'kind', 'value', 'verdict', 'query'],
    additionalProperties: false,
  },
  BacktestDecision: {
    type: 'object',
    properties: {
      at: instant,
      action: { enum: ['advance', 'hold', 'rollback', 'pause', 'promote'] },
      reason: { type: 'string' },
      step: { type: 'integer' },
      weight: { type: 'integer' },
      tally,
    },
    required: ['at', 'action', 'step', 'weight', 'tally'],
    additionalProperties: false,
  },
  Backtest: {
    type: 'object',
    properties: {
      service: { type: 'string' },
      from: instant,
      to: instant,
      spec: { enum: ['configured', 'request'], description: "The service's canary spec, or the one sent." },
      outcome: { enum: ['passed', 'rolled-back', 'paused', 'undetermined'] },
      reason: { type: 'string' },
      at: { ...instant, description: 'When the decision would have been taken.' },
      failedChecks: { type: 'integer' },
      rounds: { type: 'integer' },
      decisions: { type: 'array', items: ref('BacktestDecision') },
      checks: { type: 'array', items: ref('BacktestCheck') },
    },
    required: ['service', 'from', 'to', 'spec', 'outcome', 'failedChecks', 'rounds', 'decisions', 'checks'],
    additionalProperties: false,
  },
};

export const backtestPaths: Record<string, Json> = {
  '/api/analysis/backtest': {
    post: {
      operationId: 'backtestAnalysis',
      summary:
        "Evaluates a service's canary spec (or the `config` block sent) against the metrics of a past window " +
        "at the spec's cadence (interval checks, fast checks, limits), with nothing deployed: the per-check " +
        'verdicts, each interval decision, the outcome and when it would have been taken. Reads metrics only.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                service: { type: 'string' },
                from: { ...instant, description: 'Traffic reaches the canary (the first step) here.' },
                to: {
                  ...instant,
                  description: `Not in the future; at most ${MAX_BACKTEST_WINDOW_MS / 3_600_000} h after from.`,
                },
                config: { type: 'object', description: 'A canary block as in the configuration file.' },
              },
              required: ['service', 'from', 'to'],
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        '200': json(ref('Backtest'), 'The verdict table, the decisions and the outcome.'),
        '400': error(
          'invalid-body, invalid-field (details.field: a bad or future time, a window over the maximum or ' +
            `over ${MAX_BACKTEST_ROUNDS} rounds), invalid-spec (details.issues name each problem), invalid-json.`,
        ),
        '404': error('unknown-service: no such service configured.'),
        '413': error('Body larger than 64 KiB.'),
        '415': error('Content type is not application/json.'),
        '500': error('Unexpected failure; the error was logged.'),
        ...readerGuard.responses,
      },
      security: readerGuard.security,
    },
  },
};
