import { afterEach, describe, expect, it } from 'vitest';
import { GitHubClient, GitHubError } from '../../../shared/adapters/github.js';
import { notFound, startGitHub, type FakeGitHub, type Reply } from './github-server.js';

const TOKEN = 'ghs_TOPSECRETtoken0123456789';
const SHA = 'acb5820ced9479c074f688cc328bf03f341a511d';

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function client(
  reply: () => Reply,
  extra: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {},
) {
  gh = await startGitHub(reply);
  return new GitHubClient({ apiUrl: gh.url, token: () => TOKEN, sleep: async () => {}, ...extra });
}

describe('commitTime', () => {
  /** `GET /repos/{o}/{r}/commits/{sha}`: a commit object, trimmed to what GitHub documents and we read. */
  const commit = (date: unknown): Reply => ({
    status: 200,
    body: {
      sha: SHA,
      commit: {
        author: { name: 'Ada', email: 'ada@example.com', date: '2026-01-05T11:20:00Z' },
        committer: { name: 'GitHub', email: 'noreply@github.com', date },
        message: 'bump',
      },
    },
  });

  it('reads the committer date of the commit, normalised', async () => {
    const api = await client(() => commit('2026-01-05T11:40:00Z'));
    expect(await api.commitTime('hearloveen/platform', SHA)).toBe('2026-01-05T11:40:00.000Z');
    expect(gh?.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/hearloveen/platform/commits/${SHA}`,
    ]);
    expect(gh?.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each<[string, Reply]>([
    ['an unknown commit (404)', notFound],
    ['a SHA GitHub cannot resolve (422)', { status: 422, body: { message: 'No commit found for SHA: x' } }],
    ['no date in the answer', commit(undefined)],
    ['a date that is not a date', commit('yesterday')],
  ])('%s is unknown, not an error', async (_name, reply) => {
    const api = await client(() => reply);
    expect(await api.commitTime('hearloveen/platform', SHA)).toBeUndefined();
  });

  it('refuses a bad repository or SHA before any request, and throws on server errors', async () => {
    const api = await client(() => ({ status: 500, body: { message: 'boom' } }), { attempts: 1 });
    await expect(api.commitTime('hearloveen/platform/../x', SHA)).rejects.toBeInstanceOf(GitHubError);
    await expect(api.commitTime('hearloveen/platform', 'main')).rejects.toBeInstanceOf(GitHubError);
    expect(gh?.seen).toEqual([]);
    await expect(api.commitTime('hearloveen/platform', SHA)).rejects.toBeInstanceOf(GitHubError);
  });
});

describe('resolveCommit', () => {
  it('resolves a short SHA to the full one GitHub answers, with its committer date', async () => {
    const api = await client(() => ({
      status: 200,
      body: { sha: SHA, commit: { committer: { date: '2026-01-05T11:40:00Z' } } },
    }));
    expect(await api.resolveCommit('hearloveen/platform', 'acb5820')).toEqual({
      sha: SHA,
      committedAt: '2026-01-05T11:40:00.000Z',
    });
    expect(gh?.seen.map((r) => r.path)).toEqual(['/repos/hearloveen/platform/commits/acb5820']);
  });

  it('keeps a full SHA without a date, and knows no short SHA whose answer names no commit', async () => {
    const api = await client(() => ({ status: 200, body: { commit: {} } }));
    expect(await api.resolveCommit('hearloveen/platform', SHA)).toEqual({ sha: SHA });
    expect(await api.resolveCommit('hearloveen/platform', 'acb5820')).toBeUndefined();
  });
});
