/**
 * Where the commit of a pushed image comes from, decided without I/O: the push's own commit (GitHub
 * events, a manual POST), then the image's `org.opencontainers.image.revision`, then a tag that names the
 * commit (docker/metadata-action's `sha-<hex>`). Table-driven tests in test/shared/domain/provenance.test.ts.
 */

/** docker/metadata-action's `type=sha` tags (`sha-` and 7 hex by default, up to the full 40). */
export const DEFAULT_COMMIT_TAG = '^sha-([0-9a-f]{7,40})$';

export type CommitOrigin = 'push' | 'image' | 'tag';

export interface CommitCandidate {
  /** 7 to 40 lowercase hex characters: a short SHA still has to be resolved to the full one. */
  sha: string;
  from: CommitOrigin;
  /** Where exactly, for the timeline, e.g. `org.opencontainers.image.revision (config labels)`. */
  detail: string;
}

export interface CandidateInput {
  pushCommit?: string;
  /** The image's revision label and where it was read, when the registry was asked. */
  revision?: { value: string; where: string };
  tag?: string;
  /** The service's `image.commitTag` regular expression. */
  commitTag: string;
}

const SHA = /^[0-9a-f]{7,40}$/;
export const isFullSha = (sha: string): boolean => /^[0-9a-f]{40}$/.test(sha);

/** The commit a tag names under `pattern` (its first capture group, else the whole match). */
export function commitInTag(tag: string | undefined, pattern: string): string | undefined {
  if (!tag) return undefined;
  const match = new RegExp(pattern).exec(tag);
  const value = (match?.[1] ?? match?.[0])?.toLowerCase();
  return value !== undefined && SHA.test(value) ? value : undefined;
}

/** The first source that names a commit, in the documented order; notes why the others did not. */
export function commitCandidate(input: CandidateInput): { candidate?: CommitCandidate; skipped: string[] } {
  const skipped: string[] = [];
  const push = input.pushCommit?.toLowerCase();
  if (push && SHA.test(push))
    return { candidate: { sha: push, from: 'push', detail: 'the push event' }, skipped };
  const revision = input.revision?.value.toLowerCase();
  if (revision && SHA.test(revision))
    return {
      candidate: {
        sha: revision,
        from: 'image',
        detail: `org.opencontainers.image.revision (${input.revision?.where ?? 'image'})`,
      },
      skipped,
    };
  skipped.push(
    revision
      ? `the revision label '${revision.slice(0, 64)}' is not a commit SHA`
      : 'the image has no org.opencontainers.image.revision label',
  );
  const fromTag = commitInTag(input.tag, input.commitTag);
  if (fromTag) return { candidate: { sha: fromTag, from: 'tag', detail: `tag ${input.tag}` }, skipped };
  skipped.push(input.tag ? `tag ${input.tag} does not match ${input.commitTag}` : 'the push has no tag');
  return { skipped };
}

/**
 * `owner/name` of a repository URL as builds write it into `org.opencontainers.image.source`
 * (`https://github.com/o/r`, `.git` suffix, `git@github.com:o/r.git`), lowercased; undefined otherwise.
 */
export function repositoryOfSource(source: string): string | undefined {
  const ssh = /^git@[^:/\s]+:([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(source.trim());
  if (ssh) return `${ssh[1]}/${ssh[2]}`.toLowerCase();
  let url: URL;
  try {
    url = new URL(source.trim());
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'git:', 'ssh:'].includes(url.protocol)) return undefined;
  const parts = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  return parts.length === 2 ? `${parts[0]}/${parts[1]}`.toLowerCase() : undefined;
}

/** Why an image whose source label is `source` must not deploy as a service built from `repository`. */
export function sourceMismatch(source: string | undefined, repository: string): string | undefined {
  if (source === undefined) return undefined;
  const named = repositoryOfSource(source);
  if (named === repository.toLowerCase()) return undefined;
  return (
    `the image's org.opencontainers.image.source is ${source.slice(0, 200)}, not ${repository}: ` +
    'an image built from another repository is not deployed as this service'
  );
}
