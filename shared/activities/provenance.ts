import type { ProvenanceInput, ProvenanceResult } from '../contracts/activities.js';
import type { DeploymentProvenance } from '../domain/deployment.js';
import { commitCandidate, DEFAULT_COMMIT_TAG, isFullSha, repositoryOfSource } from '../domain/provenance.js';
import type { Ports } from '../ports/index.js';
import type { ImageProvenance } from '../ports/registry.js';

/**
 * A candidate SHA made full (a short one through GitHub) with its commit date when not known yet; a
 * commit dated after the push is a skewed clock, so the lead time then starts at the push.
 */
async function fullCommit(
  ports: Ports,
  candidate: string | undefined,
  gitRepository: string | undefined,
  notes: string[],
  times: { knownAt?: string; pushedAt: string },
): Promise<{ sha?: string; committedAt?: string }> {
  const committedAt = times.knownAt;
  if (!candidate) return { committedAt };
  const full = isFullSha(candidate);
  if (!ports.source || !gitRepository) {
    if (full) return { sha: candidate, committedAt };
    notes.push(`short commit ${candidate} cannot be resolved without a GitHub repository and connection`);
    return { committedAt };
  }
  if (full && committedAt !== undefined) return { sha: candidate, committedAt };
  const found = await ports.source.resolveCommit(gitRepository, candidate);
  if (!found) {
    if (!full) notes.push(`short commit ${candidate} was not found in ${gitRepository}`);
    return { ...(full && { sha: candidate }), committedAt };
  }
  const dated = found.committedAt !== undefined && found.committedAt <= times.pushedAt;
  return { sha: found.sha, committedAt: committedAt ?? (dated ? found.committedAt : undefined) };
}

/**
 * Finds the commit a deployment's image was built from, before its gates run: the push's own commit,
 * else the image's revision label as the registry holds it, else a commit-naming tag; a short SHA is
 * resolved through GitHub. The result is stored on the deployment (commit, commit date for the DORA lead
 * time, the image's labels) and returned for the timeline and the gates. A registry or GitHub failure is
 * thrown (the activity is retried); an image the registry does not hold, or no commit at all, is data.
 */
export async function resolveProvenance(ports: Ports, input: ProvenanceInput): Promise<ProvenanceResult> {
  const record = await ports.store.findDeployment(input.deploymentId);
  const spec = input.provenance;
  const pushCommit = record?.commitSha;
  // The trigger's commit wins and the registry is not asked (GitHub events, a manual POST with a commit).
  const labels: ImageProvenance | undefined =
    pushCommit || !ports.registry ? undefined : await ports.registry.provenance(input.image);
  const notes: string[] = [];
  if (!pushCommit && !ports.registry) notes.push('no registry is configured to read the image from');
  else if (!pushCommit && !labels) notes.push(`the registry does not hold ${input.image.digest}`);
  const { candidate, skipped } = commitCandidate({
    pushCommit,
    revision: labels?.revision
      ? { value: labels.revision, where: labels.from.revision ?? 'image' }
      : undefined,
    tag: input.image.tag,
    commitTag: spec?.commitTag ?? DEFAULT_COMMIT_TAG,
  });
  notes.push(...skipped);
  const gitRepository =
    spec?.gitRepository ?? (labels?.source ? repositoryOfSource(labels.source) : undefined);
  const { sha, committedAt } = await fullCommit(ports, candidate?.sha, gitRepository, notes, {
    knownAt: record?.committedAt,
    pushedAt: record?.createdAt ?? input.at,
  });
  const found = sha !== undefined && candidate !== undefined;
  const detail = found
    ? `commit ${sha?.slice(0, 12)} from ${candidate?.detail}`
    : `no commit known: ${notes.join('; ')}`;
  const provenance: DeploymentProvenance = {
    ...(found && { commitFrom: candidate?.from }),
    detail,
    ...(labels?.source && { source: labels.source }),
    ...(labels?.version && { version: labels.version }),
    ...(labels?.created && { created: labels.created }),
  };
  if (record)
    await ports.store.updateDeployment(record.service, record.id, (d) => ({
      ...d,
      ...(sha && { commitSha: sha }),
      ...(committedAt && { committedAt }),
      provenance,
    }));
  return {
    ...provenance,
    ...(sha && { commitSha: sha }),
    ...(gitRepository && { gitRepository }),
    ...(labels && { readFrom: labels.from }),
  };
}
