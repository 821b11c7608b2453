import { describe, expect, it } from 'vitest';
import { readPullRequestClosed } from '../../../shared/app/github-pull-events.js';

/** GitHub's `pull_request` payload (closed), trimmed to the fields around the ones Gantry reads. */
const payload = (over: Record<string, unknown> = {}, pr: Record<string, unknown> = {}) => ({
  action: 'closed',
  number: 7,
  pull_request: {
    number: 7,
    state: 'closed',
    merged: true,
    merge_commit_sha: 'a'.repeat(40),
    body: 'Gantry promotes `x@sha256:abc` (deployment apigateway-0123456789ab).\n\n## Evidence',
    head: { ref: 'gantry/api-gateway-prod-0123456789ab', sha: 'b'.repeat(40) },
    base: { ref: 'main', sha: 'c'.repeat(40) },
    ...pr,
  },
  repository: { full_name: 'hearloveen/environments' },
  sender: { login: 'someone' },
  ...over,
});

describe('readPullRequestClosed', () => {
  it('reads a merged Gantry pull request', () => {
    expect(readPullRequestClosed(payload())).toEqual({
      kind: 'ok',
      value: {
        deploymentId: 'apigateway-0123456789ab',
        repository: 'hearloveen/environments',
        number: 7,
        merged: true,
        headRef: 'gantry/api-gateway-prod-0123456789ab',
        baseRef: 'main',
      },
    });
  });

  it('reads a close without merge (merged false or null)', () => {
    const r = readPullRequestClosed(payload({}, { merged: null, merge_commit_sha: null }));
    expect(r).toMatchObject({ kind: 'ok', value: { merged: false } });
  });

  it.each(['opened', 'synchronize', 'reopened', 'edited'])('ignores action %s', (action) => {
    expect(readPullRequestClosed(payload({ action })).kind).toBe('ignored');
  });

  it('ignores a pull request whose body names no deployment', () => {
    expect(readPullRequestClosed(payload({}, { body: 'Bump deps' })).kind).toBe('ignored');
    expect(readPullRequestClosed(payload({}, { body: null })).kind).toBe('ignored');
  });

  it('refuses a payload without the pull request or repository', () => {
    expect(readPullRequestClosed({ action: 'closed' }).kind).toBe('invalid');
    expect(readPullRequestClosed(payload({ repository: undefined })).kind).toBe('invalid');
    expect(readPullRequestClosed(payload({}, { number: 'seven' })).kind).toBe('invalid');
  });
});
