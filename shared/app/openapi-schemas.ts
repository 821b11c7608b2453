/**
 * Component schemas of the Gantry API (JSON Schema 2020-12 as OpenAPI 3.1 uses it). Kept to the subset
 * the test validator understands: type (arrays for nullable), properties, required, items, enum,
 * additionalProperties and $ref to components.
 */
import { DEPLOYMENT_STATES } from '../domain/state-machine.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string): Schema =>
  description ? { type: 'string', description } : { type: 'string' };
const obj = (properties: Record<string, Schema>, required: string[], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  ...extra,
});

const ImageRef = obj(
  {
    registry: str('e.g. hearloveen.azurecr.io'),
    repository: str(),
    tag: str(),
    digest: str('sha256:<64 hex>'),
  },
  ['registry', 'repository', 'digest'],
);

const DeploymentRecord = obj(
  {
    id: str('<service>-<first 12 hex of the digest>; a retry adds -r<n>'),
    service: str(),
    image: ref('ImageRef'),
    state: ref('DeploymentState'),
    reason: str('Why the deployment ended, or what it is doing.'),
    source: { type: 'string', enum: ['event-grid', 'acr-webhook', 'github', 'manual'] },
    pushedBy: str(),
    commitSha: str(),
    commitAuthor: str(),
    committedAt: str('ISO 8601 commit time, when the trigger knew it (start of the DORA lead time).'),
    provenance: obj(
      {
        commitFrom: {
          type: 'string',
          enum: ['push', 'image', 'tag'],
          description:
            'Where commitSha came from: the push event, the image revision label, or a sha-<hex> tag.',
        },
        detail: str('Where exactly the commit was found, or why none was.'),
        source: str('The image org.opencontainers.image.source label.'),
        version: str('The image org.opencontainers.image.version label.'),
        created: str('The image org.opencontainers.image.created label.'),
      },
      ['detail'],
      { description: 'The image origin, resolved when the run started (before the gates).' },
    ),
    createdAt: str('ISO 8601'),
    updatedAt: str('ISO 8601'),
    weight: { type: 'number', description: 'Last canary traffic weight (0-100).' },
    retryOf: str('A retry: the id of the finished run of the same image it runs again.'),
    retriedBy: str('The id of the run that retried this one.'),
    interrupts: {
      type: 'array',
      description: 'Interrupts accepted for the run (202), oldest first; each is honoured by the run.',
      items: obj(
        {
          kind: { type: 'string', enum: ['cancel', 'abort', 'skipAnalysis'] },
          actor: str(),
          reason: str(),
          at: str('ISO 8601'),
        },
        ['kind', 'actor', 'reason', 'at'],
      ),
    },
    finishing: {
      type: 'boolean',
      description: 'The run has claimed its end: interrupts are answered 409 from now on.',
    },
    chat: {
      type: 'array',
      description: "The deployment's Slack message per routed channel (docs/chatops.md).",
      items: obj(
        { route: str('The channel as routed'), channel: str('The channel id Slack answered'), ts: str() },
        ['route', 'channel', 'ts'],
      ),
    },
  },
  ['id', 'service', 'image', 'state', 'source', 'createdAt', 'updatedAt', 'weight'],
);

const TimelineEntry = obj(
  {
    deploymentId: str(),
    seq: { type: 'number' },
    at: str(),
    kind: { type: 'string', enum: ['transition', 'gate', 'check', 'decision', 'action', 'note'] },
    title: str('e.g. Gating->Staging, gate:vulnerability, check:success-rate, rollback:to'),
    verdict: { type: 'string', enum: ['pass', 'fail', 'warn', 'inconclusive'] },
    actor: str(),
    comment: str(),
    evidence: { type: 'object', description: 'Query, values, bounds, counts: free-form JSON.' },
  },
  ['deploymentId', 'seq', 'at', 'kind', 'title'],
);

const LiveStatus = obj(
  {
    running: { type: 'boolean' },
    stage: str(),
    step: str(),
    weight: { type: 'number' },
    failedChecks: { type: 'number' },
    waitingFor: str(),
    since: str(),
  },
  ['running'],
);

const DecidedBy = obj(
  {
    seq: { type: 'integer', description: 'The deciding timeline entry.' },
    at: str(),
    title: str(),
    kind: {
      type: 'string',
      enum: [
        'metric',
        'fail-fast',
        'alerts',
        'baseline',
        'verification',
        'gate',
        'smoke',
        'test',
        'approval',
        'other',
      ],
    },
    name: str(),
    verdict: { type: 'string', enum: ['pass', 'fail', 'warn', 'inconclusive'] },
    value: { type: ['number', 'null'] },
    min: { type: 'number' },
    max: { type: 'number' },
    query: str(),
    evaluatedAt: str(),
    reason: str(),
    weight: { type: 'number' },
  },
  ['seq', 'at', 'title', 'kind', 'name', 'verdict', 'evaluatedAt'],
  { description: 'For a rolled-back or failed deployment: the check, alert, gate or rule that decided.' },
);

const DeploymentView = obj(
  {
    deployment: ref('DeploymentRecord'),
    timeline: { type: 'array', items: ref('TimelineEntry') },
    live: ref('LiveStatus'),
    decidedBy: ref('DecidedBy'),
    rings: { type: 'array', items: ref('RingView') },
  },
  ['deployment', 'timeline', 'live'],
);

const ApprovalRecord = obj(
  {
    deploymentId: str(),
    approver: str(),
    decision: { type: 'string', enum: ['approve', 'reject'] },
    comment: str(),
    at: str(),
    accepted: { type: 'boolean' },
    refusal: str(),
    groups: { type: 'array', items: str() },
    evidence: {
      type: 'object',
      description: 'What the approver was shown: image, gate, smoke and test verdicts.',
    },
  },
  ['deploymentId', 'approver', 'decision', 'at', 'accepted', 'groups'],
);

const ReleaseRecord = obj(
  {
    service: str(),
    environment: { type: 'string', enum: ['staging', 'production'] },
    deploymentId: str(),
    image: ref('ImageRef'),
    releasedAt: str(),
    via: { type: 'string', enum: ['rollback'], description: 'Put back by a manual service rollback.' },
  },
  ['service', 'environment', 'deploymentId', 'image', 'releasedAt'],
);

const ServiceSummary = obj(
  {
    name: str(),
    production: { type: ['object', 'null'], $ref: '#/components/schemas/ReleaseRecord' },
    active: { type: 'boolean', description: 'A deployment is queued or running for the service.' },
    activeDeploymentId: { type: ['string', 'null'] },
    rings: {
      type: 'array',
      items: ref('ServiceRing'),
      description: 'A release train (production.rings): which version runs in each ring now.',
    },
  },
  ['name', 'production', 'active', 'activeDeploymentId'],
);

const Rollback = obj(
  {
    service: str(),
    app: str('The production Argo CD application that was pointed back.'),
    from: ref('ReleaseRecord'),
    to: ref('ReleaseRecord'),
    requestedBy: str(),
    comment: str(),
    at: str(),
    instanceId: str('The orchestration following the sync (Durable instance id).'),
  },
  ['service', 'app', 'from', 'to', 'requestedBy', 'comment', 'at', 'instanceId'],
);

const seconds = { type: ['number', 'null'], description: 'Seconds; null without samples.' };

const DoraMetrics = obj(
  {
    service: { type: ['string', 'null'], description: 'The service, or null for all of them.' },
    since: str('Start of the period (included), ISO 8601.'),
    until: str('End of the period (excluded), ISO 8601.'),
    deployments: obj(
      {
        count: { type: 'integer', description: 'Releases that reached 100% of production traffic.' },
        perDay: { type: 'number' },
        perWeek: { type: 'number' },
      },
      ['count', 'perDay', 'perWeek'],
    ),
    leadTime: obj(
      {
        medianSeconds: seconds,
        p90Seconds: { ...seconds, description: 'Nearest rank: the ceil(0.9 n)-th smallest lead time.' },
        samples: { type: 'integer' },
        fromCommit: { type: 'integer', description: 'Samples measured from the commit time.' },
      },
      ['medianSeconds', 'p90Seconds', 'samples', 'fromCommit'],
    ),
    changeFailureRate: obj(
      {
        failed: { type: 'integer' },
        total: { type: 'integer' },
        rate: { type: ['number', 'null'], description: 'failed / total; null when total is 0.' },
      },
      ['failed', 'total', 'rate'],
    ),
    timeToRestore: obj(
      {
        medianSeconds: seconds,
        incidents: {
          type: 'array',
          items: obj(
            {
              deploymentId: str(),
              service: str(),
              failedAt: str('First failing check of the phase that rolled back.'),
              restoredAt: str('Rollback action that put the stable release back.'),
              seconds: { type: 'number' },
            },
            ['deploymentId', 'service', 'failedAt', 'restoredAt', 'seconds'],
          ),
        },
      },
      ['medianSeconds', 'incidents'],
    ),
  },
  ['service', 'since', 'until', 'deployments', 'leadTime', 'changeFailureRate', 'timeToRestore'],
);

const Error = obj(
  {
    error: obj(
      { code: str('Stable, machine-readable.'), message: str('Safe to show.'), details: { type: 'object' } },
      ['code', 'message', 'details'],
    ),
  },
  ['error'],
);

const verdict = { type: 'string', enum: ['pass', 'fail', 'inconclusive'] };
const outcome = { type: 'string', enum: ['passed', 'rolled-back', 'paused', 'undetermined'] };
const Verdicts = obj(
  {
    outcome,
    reason: str(),
    at: str('When the decisive round was evaluated.'),
    failedChecks: { type: 'number' },
  },
  ['outcome', 'failedChecks'],
);
const Rejudge = obj(
  {
    deploymentId: str(),
    original: Verdicts,
    rejudged: Verdicts,
    outcomeChanged: { type: 'boolean' },
    changedChecks: { type: 'number' },
    checks: {
      type: 'array',
      items: obj(
        {
          seq: { type: 'number' },
          at: str(),
          metric: str(),
          kind: { type: 'string', enum: ['metric', 'fail-fast', 'alerts', 'baseline'] },
          value: { type: ['number', 'null'] },
          original: verdict,
          rejudged: verdict,
          reason: str(),
          changed: { type: 'boolean' },
        },
        ['seq', 'at', 'metric', 'kind', 'value', 'original', 'rejudged', 'changed'],
      ),
    },
    unevaluated: {
      type: 'array',
      items: str(),
      description: 'Metrics of the new spec this run never measured.',
    },
  },
  ['deploymentId', 'original', 'rejudged', 'outcomeChanged', 'changedChecks', 'checks', 'unevaluated'],
);

export const schemas: Record<string, Schema> = {
  Rejudge,
  DeploymentState: { type: 'string', enum: [...DEPLOYMENT_STATES] },
  ImageRef,
  DeploymentRecord,
  TimelineEntry,
  LiveStatus,
  DecidedBy,
  DeploymentView,
  ApprovalRecord,
  ReleaseRecord,
  ServiceSummary,
  Rollback,
  Error,
  DeploymentPage: obj(
    {
      items: { type: 'array', items: ref('DeploymentRecord') },
      continuationToken: { type: ['string', 'null'] },
    },
    ['items', 'continuationToken'],
  ),
  DeploymentEnvelope: obj({ deployment: ref('DeploymentRecord') }, ['deployment']),
  Decision: obj({ deployment: ref('DeploymentRecord'), approval: ref('ApprovalRecord') }, [
    'deployment',
    'approval',
  ]),
  ServiceList: obj({ services: { type: 'array', items: ref('ServiceSummary') } }, ['services']),
  ReleaseList: obj({ service: str(), releases: { type: 'array', items: ref('ReleaseRecord') } }, [
    'service',
    'releases',
  ]),
  RollbackEnvelope: obj({ rollback: ref('Rollback') }, ['rollback']),
  Health: obj({ status: { type: 'string', enum: ['ok'] }, service: str() }, ['status', 'service']),
  WebhookAck: {
    type: 'object',
    properties: {
      outcome: str('e.g. submitted, ignored, withdrawn, refused (a quarantined digest)'),
      note: str('Human-readable.'),
    },
    required: ['outcome', 'note'],
  },
  EventGridValidation: obj({ validationResponse: str() }, ['validationResponse']),
  DoraMetrics,
};

export { ref };
