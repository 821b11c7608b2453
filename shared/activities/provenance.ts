import type { ProvenanceInput, ProvenanceResult } from '../contracts/activities.js';
import type { DeploymentProvenance } from '../domain/deployment.js';
import { commitCandidate, DEFAULT_COMMIT_TAG, isFullSha, repositoryOfSource } from '../domain/provenance.js';
import type { Ports } from '../ports/index.js';
import type { ImageProvenance } from '../ports/registry.js';

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
  let sha = candidate?.sha;
  let committedAt = record?.committedAt;
  if (sha && ports.source && gitRepository && (!isFullSha(sha) || committedAt === undefined)) {
    const found = await ports.source.resolveCommit(gitRepository, sha);
    if (found) {
      sha = found.sha;
      // A commit dated after the push is a skewed clock: the lead time then starts at the push.
      if (
        committedAt === undefined &&
        found.committedAt &&
        found.committedAt <= (record?.createdAt ?? input.at)
      )
        committedAt = found.committedAt;
    } else if (!isFullSha(sha)) {
      notes.push(`short commit ${sha} was not found in ${gitRepository}`);
      sha = undefined;
    }
  } else if (sha && !isFullSha(sha)) {
    notes.push(`short commit ${sha} cannot be resolved without a GitHub repository and connection`);
    sha = undefined;
  }
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
