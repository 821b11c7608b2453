import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import {
  deploymentPermissions,
  type ApprovalVerdicts,
  type PermissionQuestion,
} from '../../../shared/domain/permissions.js';
import { ROLES, type Role } from '../../../shared/domain/roles.js';

const yes = { accepted: true };
const open: ApprovalVerdicts = { approve: yes, reject: yes };
const selfPush: ApprovalVerdicts = {
  approve: { accepted: false, refusal: 'self-approval: ada pushed this image' },
  reject: yes,
};

type Row = [
  string,
  {
    authenticated: boolean;
    state: DeploymentState;
    approval?: ApprovalVerdicts;
    paused?: boolean;
    /** Every role unless the row says otherwise. */
    roles?: Role[];
  },
  string,
];

/** The state rows hold every role; the role rows change only the roles. */
const ask = (q: Omit<PermissionQuestion, 'roles'> & { roles?: Role[] }): PermissionQuestion => ({
  roles: [...ROLES],
  ...q,
});

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
    [
      'a reader only, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Reader'] },
      '-approve -reject -cancel -abort -skip-analysis -resume',
    ],
    [
      'an approver, not an operator, during a paused canary',
      { authenticated: true, state: 'Canary', paused: true, roles: ['Gantry.Reader', 'Gantry.Approver'] },
      '-approve -reject -cancel -abort -skip-analysis -resume',
    ],
    [
      'an approver, not an operator, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Approver'] },
      '+approve +reject -cancel -abort -skip-analysis -resume',
    ],
    [
      'an operator, not an approver, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Operator'] },
      '-approve -reject +cancel +abort -skip-analysis -resume',
    ],
  ])('%s', (_who, question, expected) => {
    const actions = deploymentPermissions(ask(question));
    const summary = Object.entries(actions)
      .map(([action, p]) => `${p.allowed ? '+' : '-'}${action}`)
      .join(' ');
    expect(summary).toBe(expected);
    for (const p of Object.values(actions)) expect(p.allowed || (p.reason ?? '').length > 0).toBe(true);
  });

  it('gives the reason the endpoint would give', () => {
    expect(deploymentPermissions(ask({ authenticated: false, state: 'Canary' })).abort.reason).toBe(
      'sign in to act on deployments',
    );
    expect(deploymentPermissions(ask({ authenticated: true, state: 'Succeeded' })).abort.reason).toBe(
      'the deployment already ended (Succeeded)',
    );
    const pusher = deploymentPermissions(
      ask({ authenticated: true, state: 'AwaitingApproval', approval: selfPush }),
    );
    expect(pusher.approve.reason).toBe('self-approval: ada pushed this image');
    expect(deploymentPermissions(ask({ authenticated: true, state: 'Canary' })).approve.reason).toBe(
      'the deployment is Canary, not waiting for an approval',
    );
    const reader = deploymentPermissions(ask({ authenticated: true, state: 'Canary', roles: [] }));
    expect(reader.cancel.reason).toBe('cancel needs the Gantry.Operator role');
    expect(reader.approve.reason).toBe('approve needs the Gantry.Approver role');
  });
});
