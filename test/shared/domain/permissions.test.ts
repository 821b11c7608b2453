import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import { deploymentPermissions, type ApprovalVerdicts } from '../../../shared/domain/permissions.js';

const yes = { accepted: true };
const open: ApprovalVerdicts = { approve: yes, reject: yes };
const selfPush: ApprovalVerdicts = {
  approve: { accepted: false, refusal: 'self-approval: ada pushed this image' },
  reject: yes,
};

type Row = [
  string,
  { authenticated: boolean; state: DeploymentState; approval?: ApprovalVerdicts; paused?: boolean },
  string,
];

/** Each row: the question, then the allowed actions (`+`) and refused ones (`-`) in action order. */
describe('deploymentPermissions', () => {
  it.each<Row>([
    [
      'anonymous',
      { authenticated: false, state: 'AwaitingApproval', approval: open },
      '-approve -reject -cancel -abort -skip-analysis -resume',
    ],
    [
      'a reviewer while the request is open',
      { authenticated: true, state: 'AwaitingApproval', approval: open },
      '+approve +reject +cancel +abort -skip-analysis -resume',
    ],
    [
      'the pusher (may stop, may not approve)',
      { authenticated: true, state: 'AwaitingApproval', approval: selfPush },
      '-approve +reject +cancel +abort -skip-analysis -resume',
    ],
    [
      'before the request is recorded',
      { authenticated: true, state: 'AwaitingApproval' },
      '-approve -reject +cancel +abort -skip-analysis -resume',
    ],
    [
      'anyone during the canary',
      { authenticated: true, state: 'Canary' },
      '-approve -reject +cancel +abort +skip-analysis -resume',
    ],
    [
      'anyone during a paused canary',
      { authenticated: true, state: 'Canary', paused: true },
      '-approve -reject +cancel +abort +skip-analysis +resume',
    ],
    [
      'anonymous during a paused canary',
      { authenticated: false, state: 'Canary', paused: true },
      '-approve -reject -cancel -abort -skip-analysis -resume',
    ],
    [
      'anyone while queued',
      { authenticated: true, state: 'Queued' },
      '-approve -reject +cancel +abort -skip-analysis -resume',
    ],
    [
      'after the end',
      { authenticated: true, state: 'RolledBack', approval: open },
      '-approve -reject -cancel -abort -skip-analysis -resume',
    ],
  ])('%s', (_who, question, expected) => {
    const actions = deploymentPermissions(question);
    const summary = Object.entries(actions)
      .map(([action, p]) => `${p.allowed ? '+' : '-'}${action}`)
      .join(' ');
    expect(summary).toBe(expected);
    for (const p of Object.values(actions)) expect(p.allowed || (p.reason ?? '').length > 0).toBe(true);
  });

  it('gives the reason the endpoint would give', () => {
    expect(deploymentPermissions({ authenticated: false, state: 'Canary' }).abort.reason).toBe(
      'sign in to act on deployments',
    );
    expect(deploymentPermissions({ authenticated: true, state: 'Succeeded' }).abort.reason).toBe(
      'the deployment already ended (Succeeded)',
    );
    const pusher = deploymentPermissions({
      authenticated: true,
      state: 'AwaitingApproval',
      approval: selfPush,
    });
    expect(pusher.approve.reason).toBe('self-approval: ada pushed this image');
    expect(deploymentPermissions({ authenticated: true, state: 'Canary' }).approve.reason).toBe(
      'the deployment is Canary, not waiting for an approval',
    );
  });
});
