import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  readPackagePublished,
  readWorkflowRun,
  verifyGitHubSignature,
} from '../../../shared/app/github-events.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`test/fixtures/github/${name}.json`, 'utf8')) as Record<string, unknown>;

describe('verifyGitHubSignature', () => {
  const body = Buffer.from('Hello, World!');
  const secret = "It's a Secret to Everybody";
  it('accepts GitHub’s documented test vector', async () => {
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await verifyGitHubSignature(secret, body, header)).toBe(true);
  });
  it.each([
    ['missing', null],
    ['empty', ''],
    ['sha1', `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`],
    ['short', 'sha256=757107ea'],
    ['wrong secret', `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses a %s signature', async (_n, header) => {
    expect(await verifyGitHubSignature(secret, body, header)).toBe(false);
  });
  it('refuses everything when no secret is configured', async () => {
    const header = `sha256=${createHmac('sha256', '').update(body).digest('hex')}`;
    expect(await verifyGitHubSignature('', body, header)).toBe(false);
  });
});

describe('readWorkflowRun', () => {
  const base = fixture('workflow_run.completed');
  const run = base.workflow_run as Record<string, unknown>;
  const withRun = (changes: Record<string, unknown>, action = 'completed') => ({
    ...base,
    action,
    workflow_run: { ...run, ...changes },
  });
  it('reads the deployment, workflow file, conclusion and run', () => {
    expect(readWorkflowRun(base)).toEqual({
      kind: 'ok',
      value: {
        deploymentId: 'api-gateway-213bbc182920',
        workflowFile: 'integration.yml',
        repository: 'hearloveen/platform',
        conclusion: 'success',
        runId: 30433642,
        url: 'https://github.com/hearloveen/platform/actions/runs/30433642',
      },
    });
  });
  it.each([
    ['failure', withRun({ conclusion: 'failure' }), { kind: 'ok', value: { conclusion: 'failure' } }],
    [
      'startup_failure is a failure',
      withRun({ conclusion: 'startup_failure' }),
      { kind: 'ok', value: { conclusion: 'failure' } },
    ],
    [
      'id only in display_title',
      withRun({ name: 'integration', display_title: 'Gantry x-0123456789ab' }),
      { kind: 'ok', value: { deploymentId: 'x-0123456789ab' } },
    ],
    ['in_progress', withRun({ conclusion: null }, 'in_progress'), { kind: 'ignored' }],
    ['no deployment id', withRun({ name: 'nightly', display_title: 'bump deps' }), { kind: 'ignored' }],
    [
      'id not delimited',
      withRun({ name: 'Gantry api-gateway-213bbc182920ff', display_title: null }),
      { kind: 'ignored' },
    ],
    [
      'no workflow_run.path: the workflow object names the file',
      withRun({ path: undefined }),
      { kind: 'ok', value: { workflowFile: 'integration.yml' } },
    ],
    [
      'no path at all (a payload older than the field): acknowledged and ignored',
      { ...withRun({ path: undefined }), workflow: { id: 159038, name: 'integration' } },
      { kind: 'ignored', note: expect.stringContaining('without a path') },
    ],
    [
      'an older payload: no path, no display_title, null html_url',
      {
        action: 'completed',
        workflow_run: { id: 1, name: 'Gantry x-0123456789ab', conclusion: 'success', html_url: null },
      },
      { kind: 'ignored' },
    ],
    [
      'a retry run id',
      withRun({ name: 'Gantry apigateway-0123456789ab-r2', display_title: null }),
      { kind: 'ok', value: { deploymentId: 'apigateway-0123456789ab-r2' } },
    ],
    ['id of the wrong type', withRun({ id: 'abc' }), { kind: 'invalid' }],
  ])('%s', (_n, body, expected) => {
    expect(readWorkflowRun(body)).toMatchObject(expected);
  });
});

describe('readPackagePublished', () => {
  const base = fixture('registry_package.published');
  const pkg = base.registry_package as Record<string, unknown>;
  const version = pkg.package_version as Record<string, unknown>;
  const meta = version.container_metadata as Record<string, unknown>;
  const withMeta = (changes: Record<string, unknown>) => ({
    ...base,
    registry_package: {
      ...pkg,
      package_version: { ...version, container_metadata: { ...meta, ...changes } },
    },
  });
  it('maps a tagged container version to a ghcr.io push with its commit', () => {
    expect(readPackagePublished('registry_package', base)).toEqual({
      kind: 'ok',
      value: {
        kind: 'pushed',
        registry: 'ghcr.io',
        repository: 'hearloveen/api-gateway',
        tag: '1.4.1',
        digest: 'sha256:5ba0bb67d5b22b1fa8e0b6b1b8a2b5c95bc5d4d6fb5cbd2de19d2fc6e0a35a6e',
        commitSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
        sourceRepository: 'hearloveen/platform',
        pushedBy: 'octocat',
      },
    });
    // A malformed linked name is never used; the image's own source label is, when it names a repository.
    const hostile = { ...base, repository: { full_name: 'hearloveen/platform/../../x' } };
    expect(readPackagePublished('registry_package', hostile)).toMatchObject({
      kind: 'ok',
      value: { sourceRepository: 'hearloveen/platform' },
    });
    const hostileLabel = {
      ...withMeta({ labels: { source: 'https://github.com/hearloveen/platform/../../x' } }),
      repository: hostile.repository,
    };
    expect(readPackagePublished('registry_package', hostileLabel)).toMatchObject({
      kind: 'ok',
      value: { sourceRepository: undefined },
    });
  });
  it("reads GitHub's real payload: repository from package_url, commit from the OCI label", () => {
    expect(readPackagePublished('registry_package', fixture('registry_package.published.ghcr'))).toEqual({
      kind: 'ok',
      value: {
        kind: 'pushed',
        registry: 'ghcr.io',
        // Not `namespace` (which GitHub fills with the linked repository, hearloveen/platform).
        repository: 'hearloveen/api-gateway',
        tag: '1.5.0',
        digest: 'sha256:9f2c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e',
        commitSha: '4f1e0d9c8b7a69584736251403f2e1d0c9b8a796',
        sourceRepository: 'hearloveen/platform',
        pushedBy: 'github-actions[bot]',
      },
    });
  });
  it('falls back to owner/name without a package_url', () => {
    const noUrl = {
      ...base,
      registry_package: { ...pkg, package_version: { ...version, package_url: null } },
    };
    expect(readPackagePublished('registry_package', noUrl)).toMatchObject({
      kind: 'ok',
      value: { repository: 'hearloveen/api-gateway' },
    });
  });
  it('reads the legacy package event', () => {
    const legacy = { action: 'published', package: pkg, repository: base.repository };
    expect(readPackagePublished('package', legacy)).toMatchObject({ kind: 'ok' });
  });
  it.each([
    ['untagged manifest', withMeta({ tag: { name: '', digest: version.version } }), { kind: 'ignored' }],
    ['updated', { ...base, action: 'updated' }, { kind: 'ignored' }],
    [
      'npm package',
      { ...base, registry_package: { ...pkg, package_type: 'npm', ecosystem: 'npm' } },
      { kind: 'ignored' },
    ],
    [
      'the commit only in the OCI label (GitHub left `revision` empty)',
      withMeta({
        labels: {
          revision: '',
          all_labels: { 'org.opencontainers.image.revision': '4f1e0d9c8b7a69584736251403f2e1d0c9b8a796' },
        },
      }),
      { kind: 'ok', value: { commitSha: '4f1e0d9c8b7a69584736251403f2e1d0c9b8a796' } },
    ],
    [
      'no usable commit',
      withMeta({ labels: { revision: 'main', all_labels: { 'org.opencontainers.image.revision': 42 } } }),
      { kind: 'ok', value: { commitSha: undefined } },
    ],
    [
      'no linked repository: the source label names it',
      { ...withMeta({ labels: { source: 'https://github.com/hearloveen/platform.git' } }), repository: null },
      { kind: 'ok', value: { sourceRepository: 'hearloveen/platform' } },
    ],
    [
      'a source label off github.com is not a repository',
      {
        ...withMeta({ labels: { source: 'https://gitlab.com/hearloveen/platform' } }),
        repository: undefined,
      },
      { kind: 'ok', value: { sourceRepository: undefined } },
    ],
    ['package not an object', { action: 'published', registry_package: 'x' }, { kind: 'invalid' }],
    ['bad digest', withMeta({ tag: { name: 'v1', digest: 'sha256:1' } }), { kind: 'invalid' }],
    ['no package', { action: 'published' }, { kind: 'invalid' }],
  ])('%s', (_n, body, expected) => {
    expect(readPackagePublished('registry_package', body)).toMatchObject(expected);
  });
});
