import type { z } from 'zod';
import type { TestResultPayload } from '../contracts/events.js';
import { isValidDigest, isValidRepository, isValidTag } from '../domain/image-ref.js';
import { lazySchema, zod } from '../zod.js';
import type { RegistryAction } from './registry-events.js';

/**
 * Pure handling of GitHub webhooks (reference section 3): signature check over the raw body, then
 * zod-typed reading of the few events Gantry acts on.
 */

/**
 * `sha256=<hex HMAC-SHA256(secret, raw body)>`, checked in constant time by GitHub's own
 * `@octokit/webhooks-methods` over the body exactly as received; false when absent or malformed. The
 * package is ESM-only, hence the dynamic import from this CommonJS module.
 */
export async function verifyGitHubSignature(
  secret: string,
  rawBody: Buffer,
  header: string | null,
): Promise<boolean> {
  if (!secret || !header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const { verify } = await import('@octokit/webhooks-methods');
  return verify(secret, rawBody.toString('utf8'), header);
}

/** Deployment ids as Gantry makes them (`<service>-<12 hex>[-r<n>]`), found inside a run name. */
const DEPLOYMENT_ID =
  /(?:^|[^a-z0-9-])([a-z0-9][a-z0-9-]{0,62}-[a-f0-9]{12}(?:-r[1-9][0-9]{0,3})?)(?![a-z0-9-])/;

const CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'timed_out',
  'neutral',
  'skipped',
  'action_required',
] as const;

const short = () => zod().string().max(2048);

const workflowRunEvent = lazySchema((z) =>
  z.looseObject({
    action: short(),
    workflow_run: z.looseObject({
      id: z.number().int().nonnegative(),
      name: short().nullish(),
      display_title: short().nullish(),
      // Absent from payloads older than the field (and from some GitHub Enterprise Server versions).
      path: short().nullish(),
      conclusion: short().nullable(),
      html_url: short().nullish(),
    }),
    workflow: z.looseObject({ path: short().nullish() }).nullish(),
    repository: z.looseObject({ full_name: short() }).optional(),
  }),
);

export interface WorkflowRunResult {
  deploymentId: string;
  /** File name of the workflow (`integration.yml`), as configured in `staging.tests[].workflow`. */
  workflowFile: string;
  repository?: string;
  conclusion: TestResultPayload['conclusion'];
  runId: number;
  url?: string;
}

export type GitHubReading<T> =
  { kind: 'invalid'; error: string } | { kind: 'ignored'; note: string } | { kind: 'ok'; value: T };

const issues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** A `workflow_run` payload → the test result it reports, when it names a Gantry deployment. */
export function readWorkflowRun(body: unknown): GitHubReading<WorkflowRunResult> {
  const parsed = workflowRunEvent().safeParse(body);
  if (!parsed.success) return { kind: 'invalid', error: issues(parsed.error) };
  const { action, workflow_run: run, workflow, repository } = parsed.data;
  if (action !== 'completed') return { kind: 'ignored', note: `workflow_run ${action.slice(0, 40)}` };
  const id = [run.name, run.display_title]
    .map((n) => (n ? DEPLOYMENT_ID.exec(n)?.[1] : undefined))
    .find(Boolean);
  if (!id) return { kind: 'ignored', note: 'the run name carries no deployment id' };
  const conclusion = CONCLUSIONS.find((c) => c === run.conclusion);
  // GitHub also reports `stale` and `startup_failure`: neither is a pass, so the phase sees a failure.
  const mapped: TestResultPayload['conclusion'] = conclusion ?? 'failure';
  // Without a path (an older payload) the workflow cannot be matched to a test: acknowledged, not refused.
  const path = run.path ?? workflow?.path;
  if (!path) return { kind: 'ignored', note: 'workflow_run without a path (an older payload)' };
  const workflowFile = path.split('/').pop()?.split('@')[0] ?? '';
  return {
    kind: 'ok',
    value: {
      deploymentId: id,
      workflowFile,
      repository: repository?.full_name,
      conclusion: mapped,
      runId: run.id,
      url: run.html_url ?? undefined,
    },
  };
}

const packageEvent = lazySchema((z) =>
  z.looseObject({
    action: short(),
    package_type: short().nullish(),
    ecosystem: short().nullish(),
    name: short(),
    owner: z.looseObject({ login: short() }).nullish(),
    package_version: z.looseObject({
      version: short().nullish(),
      package_url: short().nullish(),
      container_metadata: z
        .looseObject({
          tag: z.looseObject({ name: short().nullish(), digest: short().nullish() }).nullish(),
          manifest: z.looseObject({ digest: short().nullish() }).nullish(),
          labels: z
            .looseObject({
              revision: short().nullish(),
              source: short().nullish(),
              all_labels: z.record(z.string(), z.unknown()).nullish(),
            })
            .nullish(),
        })
        .nullish(),
    }),
  }),
);

type PackageEvent = z.infer<ReturnType<typeof packageEvent>>;

/** Around the package: the repository it is linked to and who published it. */
const packageEnvelope = lazySchema((z) =>
  z.looseObject({
    action: short(),
    repository: z.looseObject({ full_name: short() }).nullish(),
    sender: z.looseObject({ login: short() }).nullish(),
  }),
);
const COMMIT = /^[0-9a-f]{40}$/;
const REPOSITORY_NAME = /^[\w.-]{1,100}\/[\w.-]{1,100}$/;

/**
 * The image's repository on ghcr.io: `package_url` (`ghcr.io/<owner>/<name>:<tag>`) names it as pulled;
 * else `<owner login>/<name>`. Not `namespace`: GitHub fills it with the linked repository (`owner/repo`).
 */
function ghcrRepository(pkg: PackageEvent): string {
  const url = /^ghcr\.io\/([^:@\s]+)/i.exec(pkg.package_version.package_url ?? '')?.[1];
  return (url ?? `${pkg.owner?.login ?? ''}/${pkg.name}`).toLowerCase();
}

/** The commit: the `revision` label, or the OCI label itself (GitHub leaves `revision` empty at times). */
function revisionOf(
  labels: NonNullable<NonNullable<PackageEvent['package_version']['container_metadata']>['labels']>,
) {
  const oci = labels.all_labels?.['org.opencontainers.image.revision'];
  return [labels.revision, oci].find((r): r is string => typeof r === 'string' && COMMIT.test(r));
}

/** The linked repository (`owner/name`), else the one the image's `source` label points at on github.com. */
function sourceRepositoryOf(linked: string, source: string | null | undefined): string | undefined {
  if (REPOSITORY_NAME.test(linked)) return linked;
  const fromLabel = /^https:\/\/github\.com\/([\w.-]{1,100}\/[\w.-]{1,100}?)(?:\.git)?\/?$/.exec(
    source ?? '',
  )?.[1];
  return fromLabel && REPOSITORY_NAME.test(fromLabel) ? fromLabel : undefined;
}

export type PackagePush = Extract<RegistryAction, { kind: 'pushed' }> & {
  commitSha?: string;
  /** The repository the package is linked to (`owner/name`), where the commit can be looked up. */
  sourceRepository?: string;
};

/** `registry_package` / `package` `published` of a container version → a tagged push to ghcr.io. */
export function readPackagePublished(event: string, body: unknown): GitHubReading<PackagePush> {
  const key = event === 'package' ? 'package' : 'registry_package';
  const outer = packageEnvelope().safeParse(body);
  if (!outer.success) return { kind: 'invalid', error: issues(outer.error) };
  const inner = (body as Record<string, unknown>)[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
    return { kind: 'invalid', error: `${key}: expected an object` };
  const parsed = packageEvent().safeParse({ ...inner, action: outer.data.action });
  if (!parsed.success) return { kind: 'invalid', error: issues(parsed.error) };
  const pkg = parsed.data;
  if (pkg.action !== 'published') return { kind: 'ignored', note: `${key} ${pkg.action.slice(0, 40)}` };
  // GitHub writes `CONTAINER`, `container` or `docker` in either field, depending on the event's age.
  if (![pkg.package_type, pkg.ecosystem].some((t) => /^(container|docker)$/i.test(t ?? '')))
    return { kind: 'ignored', note: 'not a container package' };
  const meta = pkg.package_version.container_metadata;
  const tag = meta?.tag?.name ?? '';
  // Multi-arch pushes publish the index and every platform manifest; only the tagged one is a release.
  if (!tag) return { kind: 'ignored', note: 'untagged container version' };
  const digest = meta?.tag?.digest || meta?.manifest?.digest || pkg.package_version.version || '';
  const repository = ghcrRepository(pkg);
  if (!isValidTag(tag) || !isValidDigest(digest) || !isValidRepository(repository))
    return { kind: 'invalid', error: 'the container version has no valid repository, tag and digest' };
  const commitSha = meta?.labels ? revisionOf(meta.labels) : undefined;
  const linked = outer.data.repository?.full_name ?? '';
  const sourceRepository = sourceRepositoryOf(linked, meta?.labels?.source);
  const pushedBy = outer.data.sender?.login.trim() || undefined;
  return {
    kind: 'ok',
    value: {
      kind: 'pushed',
      registry: 'ghcr.io',
      repository,
      tag,
      digest,
      pushedBy,
      commitSha,
      sourceRepository,
    },
  };
}
