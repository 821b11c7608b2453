import { describe, expect, it } from 'vitest';
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

/** Every role unless the row says otherwise. */
type Question = Omit<PermissionQuestion, 'roles'> & { roles?: Role[] };
type Row = [string, Question, string];

/** The state rows hold every role; the role rows change only the roles. */
const ask = (q: Question): PermissionQuestion => ({
  roles: [...ROLES],
  ...q,
});

/** Each row: the question, then the allowed actions (`+`) and refused ones (`-`) in action order. */
describe('deploymentPermissions', () => {
  it.each<Row>([
    [
      'anonymous',
      { authenticated: false, state: 'AwaitingApproval', approval: open },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a reviewer while the request is open',
      { authenticated: true, state: 'AwaitingApproval', approval: open },
      '+approve +reject +cancel +abort -skip-analysis -resume -retry',
    ],
    [
      'the pusher (may stop, may not approve)',
      { authenticated: true, state: 'AwaitingApproval', approval: selfPush },
      '-approve +reject +cancel +abort -skip-analysis -resume -retry',
    ],
    [
      'before the request is recorded',
      { authenticated: true, state: 'AwaitingApproval' },
      '-approve -reject +cancel +abort -skip-analysis -resume -retry',
    ],
    [
      'anyone during the canary',
      { authenticated: true, state: 'Canary' },
      '-approve -reject +cancel +abort +skip-analysis -resume -retry',
    ],
    [
      'anyone during a paused canary',
      { authenticated: true, state: 'Canary', paused: true },
      '-approve -reject +cancel +abort +skip-analysis +resume -retry',
    ],
    [
      'anonymous during a paused canary',
      { authenticated: false, state: 'Canary', paused: true },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'anyone while queued',
      { authenticated: true, state: 'Queued' },
      '-approve -reject +cancel +abort -skip-analysis -resume -retry',
    ],
    [
      'after the end: only a retry',
      { authenticated: true, state: 'RolledBack', approval: open },
      '-approve -reject -cancel -abort -skip-analysis -resume +retry',
    ],
    [
      'a failed run',
      { authenticated: true, state: 'Failed' },
      '-approve -reject -cancel -abort -skip-analysis -resume +retry',
    ],
    [
      'a cancelled run',
      { authenticated: true, state: 'Cancelled' },
      '-approve -reject -cancel -abort -skip-analysis -resume +retry',
    ],
    [
      'anonymous, a failed run',
      { authenticated: false, state: 'Failed' },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a succeeded run',
      { authenticated: true, state: 'Succeeded' },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a superseded run',
      { authenticated: true, state: 'Superseded' },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a failed run already retried, the retry running',
      { authenticated: true, state: 'Failed', retriedBy: 'apigateway-0123456789ab-r1', retryState: 'Canary' },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a failed run already retried, the retry failed too',
      { authenticated: true, state: 'Failed', retriedBy: 'apigateway-0123456789ab-r1', retryState: 'Failed' },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'a reader only, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Reader'] },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'an approver, not an operator, during a paused canary',
      { authenticated: true, state: 'Canary', paused: true, roles: ['Gantry.Reader', 'Gantry.Approver'] },
      '-approve -reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'an approver, not an operator, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Approver'] },
      '+approve +reject -cancel -abort -skip-analysis -resume -retry',
    ],
    [
      'an operator, not an approver, request open',
      { authenticated: true, state: 'AwaitingApproval', approval: open, roles: ['Gantry.Operator'] },
      '-approve -reject +cancel +abort -skip-analysis -resume -retry',
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
    expect(deploymentPermissions(ask({ authenticated: true, state: 'Canary' })).retry.reason).toBe(
      'the deployment is Canary; only a failed, cancelled or rolled back run can be retried.',
    );
    const retried = deploymentPermissions(
      ask({
        authenticated: true,
        state: 'Failed',
        retriedBy: 'apigateway-0123456789ab-r1',
        retryState: 'Staging',
      }),
    );
    expect(retried.retry.reason).toBe(
      'the deployment is already being retried by apigateway-0123456789ab-r1 (Staging).',
    );
    const reader = deploymentPermissions(ask({ authenticated: true, state: 'Canary', roles: [] }));
    expect(reader.cancel.reason).toBe('cancel needs the Gantry.Operator role');
    expect(reader.approve.reason).toBe('approve needs the Gantry.Approver role');
    const readerAfter = deploymentPermissions(
      ask({ authenticated: true, state: 'Failed', roles: ['Gantry.Reader'] }),
    );
    expect(readerAfter.retry.reason).toBe('retry needs the Gantry.Operator role');
  });
});
