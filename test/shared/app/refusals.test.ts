import { describe, expect, it } from 'vitest';
import { requireRole } from '../../../shared/app/authorize.js';
import { auditRefusal, REFUSED_ROWS_PER_CALLER } from '../../../shared/app/refusals.js';
import type { ApprovalRecord } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const ID = 'apigateway-0123456789ab';
const T0 = Date.UTC(2026, 0, 5, 10);
const refusal = (
  approver: string,
  minute: number,
  decision: 'approve' | 'reject' = 'approve',
): ApprovalRecord => ({
  deploymentId: ID,
  approver,
  decision,
  at: new Date(T0 + minute * 60_000).toISOString(),
  accepted: false,
  refusal: `not-a-reviewer: ${approver} is not in any reviewer group`,
  groups: [],
});

describe('auditRefusal', () => {
  it('keeps the first refusals as rows, then counts the rest on the last row', async () => {
    const store = new MemoryRunStore();
    const ports = { store } as unknown as Ports;
    for (let i = 0; i < REFUSED_ROWS_PER_CALLER + 3; i++) await auditRefusal(ports, refusal('mallory', i));
    await auditRefusal(ports, refusal('eve', 100));
    await auditRefusal(ports, refusal('mallory', 101, 'reject'));
    const rows = await store.listApprovals(ID);
    const mallory = rows.filter((r) => r.approver === 'mallory' && r.decision === 'approve');
    expect(mallory.map((r) => r.at)).toEqual(
      Array.from({ length: REFUSED_ROWS_PER_CALLER }, (_, i) => new Date(T0 + i * 60_000).toISOString()),
    );
    expect(mallory.at(-1)).toMatchObject({
      attempts: 4,
      lastAt: new Date(T0 + (REFUSED_ROWS_PER_CALLER + 2) * 60_000).toISOString(),
    });
    expect(mallory.slice(0, -1).every((r) => r.attempts === undefined)).toBe(true);
    expect(rows.filter((r) => r.approver === 'eve')).toHaveLength(1);
    expect(rows.filter((r) => r.decision === 'reject')).toHaveLength(1);
  });
});

describe('requireRole', () => {
  const principal = { name: 'rita', groups: [], roles: ['Gantry.Reader' as const] };
  it('passes a holder through and names the role and the remedy otherwise', () => {
    expect(requireRole({ ...principal, source: 'app-service' }, 'Gantry.Reader', 'Reading')).toMatchObject({
      name: 'rita',
    });
    expect(() =>
      requireRole({ ...principal, source: 'app-service' }, 'Gantry.Operator', 'Cancelling'),
    ).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'role-required',
        message: expect.stringMatching(
          /^Cancelling needs the Gantry.Operator role, which rita does not hold: an administrator assigns/,
        ),
        details: { role: 'Gantry.Operator', roles: ['Gantry.Reader'] },
      }),
    );
    expect(() =>
      requireRole({ ...principal, source: 'development' }, 'Gantry.Approver', 'Approving'),
    ).toThrow(/add "Gantry.Approver" to the roles of GANTRY_DEV_PRINCIPAL/);
  });
});
