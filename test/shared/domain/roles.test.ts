import { describe, expect, it } from 'vitest';
import { effectiveRoles, roleForAction } from '../../../shared/domain/roles.js';

describe('effectiveRoles', () => {
  it.each<[string, string[], string[]]>([
    ['nothing', [], []],
    ['a reader', ['Gantry.Reader'], ['Gantry.Reader']],
    ['an operator reads too', ['Gantry.Operator'], ['Gantry.Reader', 'Gantry.Operator']],
    ['an approver reads too', ['Gantry.Approver'], ['Gantry.Reader', 'Gantry.Approver']],
    [
      'all three, duplicated and out of order',
      ['Gantry.Approver', 'Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'],
      ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'],
    ],
    ['other applications’ roles and wrong casing are ignored', ['Deployer', 'gantry.operator'], []],
  ])('%s', (_what, claimed, expected) => {
    expect(effectiveRoles(claimed)).toEqual(expected);
  });

  it('never lets an operator approve or an approver operate', () => {
    expect(effectiveRoles(['Gantry.Operator'])).not.toContain('Gantry.Approver');
    expect(effectiveRoles(['Gantry.Approver'])).not.toContain('Gantry.Operator');
  });
});

describe('roleForAction', () => {
  it.each([
    ['approve', 'Gantry.Approver'],
    ['reject', 'Gantry.Approver'],
    ['cancel', 'Gantry.Operator'],
    ['abort', 'Gantry.Operator'],
    ['skip-analysis', 'Gantry.Operator'],
    ['resume', 'Gantry.Operator'],
    ['rejudge', 'Gantry.Operator'],
    ['retry', 'Gantry.Operator'],
  ])('%s needs %s', (action, role) => {
    expect(roleForAction(action)).toBe(role);
  });
});
