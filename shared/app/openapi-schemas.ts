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
    id: str('<service>-<first 12 hex of the digest>'),
    service: str(),
    image: ref('ImageRef'),
    state: ref('DeploymentState'),
    reason: str('Why the deployment ended, or what it is doing.'),
    source: { type: 'string', enum: ['event-grid', 'acr-webhook', 'github', 'manual'] },
    pushedBy: str(),
    commitSha: str(),
    commitAuthor: str(),
    createdAt: str('ISO 8601'),
    updatedAt: str('ISO 8601'),
    weight: { type: 'number', description: 'Last canary traffic weight (0-100).' },
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

const DeploymentView = obj(
  {
    deployment: ref('DeploymentRecord'),
    timeline: { type: 'array', items: ref('TimelineEntry') },
    live: ref('LiveStatus'),
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
  },
  ['service', 'environment', 'deploymentId', 'image', 'releasedAt'],
);

const ServiceSummary = obj(
  {
    name: str(),
    production: { type: ['object', 'null'], $ref: '#/components/schemas/ReleaseRecord' },
    active: { type: 'boolean', description: 'A deployment is queued or running for the service.' },
    activeDeploymentId: { type: ['string', 'null'] },
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

const Error = obj(
  {
    error: obj(
      { code: str('Stable, machine-readable.'), message: str('Safe to show.'), details: { type: 'object' } },
      ['code', 'message', 'details'],
    ),
  },
  ['error'],
);

export const schemas: Record<string, Schema> = {
  DeploymentState: { type: 'string', enum: [...DEPLOYMENT_STATES] },
  ImageRef,
  DeploymentRecord,
  TimelineEntry,
  LiveStatus,
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
    properties: { outcome: str('e.g. submitted, ignored, withdrawn'), note: str('Human-readable.') },
    required: ['outcome', 'note'],
  },
  EventGridValidation: obj({ validationResponse: str() }, ['validationResponse']),
};

export { ref };
