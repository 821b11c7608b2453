import { describe, expect, it } from 'vitest';
import * as names from '../../../shared/domain/names.js';

type Check = (value: string) => boolean;

const cases: Array<[string, Check, string[], string[]]> = [
  [
    'isServiceName',
    names.isServiceName,
    ['ApiGateway', 'a', 'IoT-Service', 'A'.repeat(63)],
    ['', '1a', 'a_b', 'a.b', 'A'.repeat(64), 'a/b'],
  ],
  [
    'isDnsLabel',
    names.isDnsLabel,
    ['hearloveen-prod', 'a', '0a'],
    ['', 'A', '-a', 'a-', 'a.b', 'a'.repeat(64)],
  ],
  [
    'isDnsSubdomain',
    names.isDnsSubdomain,
    ['api-gateway', 'a.b-c', 'a'.repeat(253)],
    ['', 'A', 'a..b', '.a', 'a_b', 'a'.repeat(254)],
  ],
  ['isDns1035Label', names.isDns1035Label, ['iot-service', 'a1'], ['1a', 'a.b', 'a-', '']],
  [
    'isGuid',
    names.isGuid,
    ['00000000-0000-0000-0000-000000000000', 'ABCDEF01-2345-6789-abcd-ef0123456789'],
    ['0000', '{00000000-0000-0000-0000-000000000000}'],
  ],
  [
    'isResourceGroupName',
    names.isResourceGroupName,
    ['hearloveen-prod-rg', 'rg(1)', 'a.b_c'],
    ['', 'rg.', 'a b', 'a/b', 'x'.repeat(91)],
  ],
  [
    'isAksClusterName',
    names.isAksClusterName,
    ['hearloveen-aks-prod', 'a', 'a_b'],
    ['', '-a', 'a-', 'a.b', 'a'.repeat(64)],
  ],
  [
    'isWorkflowFile',
    names.isWorkflowFile,
    ['e2e.yml', 'security.yaml', '12345'],
    ['e2e', '../e2e.yml', 'a/b.yml', 'x.json'],
  ],
  [
    'isHelmParameter',
    names.isHelmParameter,
    ['image.tag', 'images[0].tag', 'a_b-c'],
    ['', '.tag', 'image..tag', 'a[x]', 'a=b', 'a,b'],
  ],
  [
    'isKustomizeImageName',
    names.isKustomizeImageName,
    ['api-gateway', 'hearloveen.azurecr.io/api-gateway'],
    ['', '-a', 'a b', 'a@b'],
  ],
  [
    'isGitHubRepository',
    names.isGitHubRepository,
    ['hearloveen/platform', 'a-b/c.d_e'],
    ['platform', 'a/b/c', 'a/..', 'a/.', '-/x', '/x', 'a b/c'],
  ],
  [
    'isGitRef',
    names.isGitRef,
    ['main', 'release/1.2', 'v1.0.0', 'abc123'],
    ['', 'a..b', 'a b', '-x', 'x/', 'x.lock', 'a:b', 'a\u0000', 'a@{1}', 'a//b', 'x'.repeat(256)],
  ],
  [
    'isPlainLabel',
    (v) => names.isPlainLabel(v),
    ['devops-team', 'Tech Lead', 'x'.repeat(256)],
    ['', '   ', 'a\nb', 'x'.repeat(257)],
  ],
];

describe.each(cases)('%s', (_name, check, valid, invalid) => {
  it.each(valid)('accepts %j', (value) => expect(check(value)).toBe(true));
  it.each(invalid)('refuses %j', (value) => expect(check(value)).toBe(false));
});
