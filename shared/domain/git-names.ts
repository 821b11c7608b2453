/** Names that reach GitHub URLs in Git write-back: checked before any request (and in the config file). */

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const BRANCH_CHARS = /^[A-Za-z0-9._/-]{1,200}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]{1,255}$/;

export function isRepository(v: string): boolean {
  return REPO.test(v) && !v.endsWith('.git') && !v.split('/')[1]?.startsWith('.');
}

/** `git check-ref-format` for a branch, narrowed to the characters a URL path keeps as they are. */
export function isBranchName(v: string): boolean {
  return (
    BRANCH_CHARS.test(v) &&
    !v.startsWith('/') &&
    !v.endsWith('/') &&
    !v.endsWith('.') &&
    !v.includes('..') &&
    !v.includes('//') &&
    !v.split('/').some((s) => s.startsWith('.') || s.endsWith('.lock'))
  );
}

export function isRepoPath(v: string): boolean {
  const parts = v.split('/');
  return v.length <= 1024 && parts.every((p) => PATH_SEGMENT.test(p) && p !== '.' && p !== '..');
}
