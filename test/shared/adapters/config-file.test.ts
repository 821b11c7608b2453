import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { loadConfig } from '../../../shared/config/load.js';
import type { ApprovalRecord, DeploymentRecord } from '../../../shared/domain/deployment.js';

/** A freeze from 09:00 to 18:00 UTC on Monday 5 January 2026, added to the example file. */
const example = readFileSync('config/gantry.example.yaml', 'utf8').replace(
  '  freezes: []\n',
  "  freezes:\n    - { name: incident-review, from: '2026-01-05T09:00:00Z', to: '2026-01-05T18:00:00Z', reason: Incident review }\n",
);
const source = new FileConfigSource(loadConfig(example, 'gantry.yaml'));
const WAITING_SINCE = '2026-01-05T08:00:00.000Z';
const deployment = {
  id: 'apigateway-0123456789ab',
  service: 'ApiGateway',
  pushedBy: 'ci-bot',
} as DeploymentRecord;
const decision = source.decideApproval('ApiGateway', 'production', WAITING_SINCE);

function check(at: string, verdict: ApprovalRecord['decision'] = 'approve') {
  const approval: ApprovalRecord = {
    deploymentId: deployment.id,
    approver: 'linus',
    decision: verdict,
    at,
    accepted: false,
    groups: ['tech-lead'],
  };
  return source.checkApproval({
    deployment,
    approval,
    decision,
    previous: [],
    waitingSince: WAITING_SINCE,
    at,
  });
}

describe('FileConfigSource.checkApproval and freezes', () => {
  it('asks a human before the freeze (the request was made outside it)', () => {
    expect(decision.kind).toBe('required');
  });

  it.each([
    ['before the freeze begins', '2026-01-05T08:59:59.000Z', 'approve', { accepted: true }],
    [
      'once a freeze began while the request waited',
      '2026-01-05T09:00:00.000Z',
      'approve',
      {
        accepted: false,
        refusal: 'frozen: freeze "incident-review": Incident review until 2026-01-05T18:00:00.000Z',
      },
    ],
    ['a rejection during the freeze (always safe)', '2026-01-05T12:00:00.000Z', 'reject', { accepted: true }],
    ['after the freeze lifts', '2026-01-05T18:00:00.000Z', 'approve', { accepted: true }],
  ] as const)('%s', (_name, at, verdict, expected) => {
    expect(check(at, verdict)).toEqual(expected);
  });
});
