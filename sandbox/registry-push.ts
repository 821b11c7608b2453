import { randomUUID } from 'node:crypto';
import { errorResponse, jsonResponse, type HostRequest, type HostResponse } from '../devhost/http/types.js';
import type { PipelinePlan } from '../shared/contracts/plan.js';
import { deploymentIdFor, isValidRepository, isValidTag } from '../shared/domain/image-ref.js';
import { defaultRevision, type PushedImage } from './registry-store.js';
import type { SandboxWorld } from './world.js';

/**
 * `PUT /sandbox/registry/<repository>:<tag>`: pushes an image into the sandbox registry as a build would
 * and, unless `deliver` is false, delivers ACR's `ImagePushed` events to Gantry's Event Grid route as
 * Event Grid does: Event Grid schema, `aeg-event-type: Notification`, one delivery per event, each
 * platform manifest (untagged) first and the tagged index or manifest last.
 */

/** Where the sandbox's registry images live and who pushes them. */
export interface RegistryIdentity {
  /** The registry host the events name (`request.host`), e.g. `hearloveen.azurecr.io`. */
  host: string;
  /** The build's identity in ACR events (`actor.name`): not a person, so never a self-approver. */
  actor: string;
}

export interface PushBody {
  revision?: string;
  source?: string;
  version?: string;
  created?: string;
  platforms?: string[];
  deliver?: boolean;
}

/** Delivers one Event Grid request body (an array of events) and answers the HTTP status it got. */
export type EventGridDelivery = (events: unknown[]) => Promise<number>;

const PLATFORM = /^[a-z0-9]{1,20}\/[a-z0-9]{1,20}(?:\/v[0-9]{1,2})?$/;
const HEX = /^[0-9a-f]{7,40}$/;

function parseBody(raw: Buffer): PushBody | string {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'body must be a JSON object';
  const b = value as Record<string, unknown>;
  const known = ['revision', 'source', 'version', 'created', 'platforms', 'deliver'];
  const unknown = Object.keys(b).find((k) => !known.includes(k));
  if (unknown) return `unknown field '${unknown}' (known: ${known.join(', ')})`;
  for (const k of ['revision', 'source', 'version', 'created'])
    if (b[k] !== undefined && (typeof b[k] !== 'string' || (b[k] as string).length > 512))
      return `'${k}' must be a string`;
  if (b.revision !== undefined && !HEX.test(b.revision as string))
    return "'revision' must be a commit SHA (7 to 40 lowercase hex characters)";
  if (b.deliver !== undefined && typeof b.deliver !== 'boolean') return "'deliver' must be a boolean";
  if (b.platforms !== undefined) {
    const p = b.platforms;
    if (
      !Array.isArray(p) ||
      p.length === 0 ||
      p.length > 8 ||
      !p.every((x) => typeof x === 'string' && PLATFORM.test(x))
    )
      return "'platforms' must be 1 to 8 platforms such as linux/amd64";
  }
  return b as PushBody;
}

/** The GitHub repository a service's builds come from (its ci-status gate, else its first test workflow). */
export function gitRepositoryOf(plan: PipelinePlan | undefined): string | undefined {
  const gate = plan?.gates.find((g) => g.kind === 'ci-status');
  return gate?.kind === 'ci-status' ? gate.repository : plan?.staging.tests[0]?.repository;
}

/** ACR's `ImagePushed` event for one manifest, in the Event Grid schema. */
export function imagePushedEvent(
  registry: RegistryIdentity,
  repository: string,
  target: { digest: string; mediaType: string; size: number; tag?: string },
  at: string,
): Record<string, unknown> {
  const name = registry.host.split('.')[0] ?? 'sandbox';
  return {
    id: randomUUID(),
    topic: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox-rg/providers/Microsoft.ContainerRegistry/registries/${name}`,
    subject: target.tag ? `${repository}:${target.tag}` : `${repository}@${target.digest}`,
    eventType: 'Microsoft.ContainerRegistry.ImagePushed',
    eventTime: at,
    data: {
      id: randomUUID(),
      timestamp: at,
      action: 'push',
      location: 'westeurope',
      target: {
        mediaType: target.mediaType,
        size: target.size,
        digest: target.digest,
        length: target.size,
        repository,
        ...(target.tag && { tag: target.tag }),
      },
      request: { id: randomUUID(), host: registry.host, method: 'PUT', useragent: 'buildkit/v0.16' },
      actor: { name: registry.actor },
      source: { addr: registry.host, instanceID: randomUUID() },
    },
    dataVersion: '1.0',
    metadataVersion: '1',
  };
}

/** The events one push yields, in the order ACR emits them: platform manifests, then the tagged top. */
export function pushEvents(
  registry: RegistryIdentity,
  repository: string,
  tag: string,
  pushed: PushedImage,
  at: string,
): Array<Record<string, unknown>> {
  return [
    ...pushed.platforms.map((p) => imagePushedEvent(registry, repository, p, at)),
    imagePushedEvent(registry, repository, { ...pushed, tag }, at),
  ];
}

export interface PushRouteOptions {
  registry: RegistryIdentity;
  plans: PipelinePlan[];
  deliver?: EventGridDelivery;
}

/** Handles `PUT /sandbox/registry/<repository>:<tag>`; undefined for any other path. */
export async function handleRegistryPush(
  world: SandboxWorld,
  options: PushRouteOptions,
  req: HostRequest,
): Promise<HostResponse | undefined> {
  const match = /^\/sandbox\/registry\/(.+)$/.exec(req.url.pathname);
  if (!match) return undefined;
  if (req.method !== 'PUT')
    return { ...errorResponse(405, 'method-not-allowed', 'Use PUT.'), headers: { allow: 'PUT' } };
  let ref: string;
  try {
    ref = decodeURIComponent(match[1] as string);
  } catch {
    return errorResponse(400, 'invalid-image', 'The image in the path is not valid percent-encoding.');
  }
  const colon = ref.lastIndexOf(':');
  const repository = colon > 0 ? ref.slice(0, colon) : '';
  const tag = colon > 0 ? ref.slice(colon + 1) : '';
  if (!isValidRepository(repository) || !isValidTag(tag))
    return errorResponse(
      400,
      'invalid-image',
      `'${ref.slice(0, 200)}' is not <repository>:<tag>, e.g. api-gateway:1.4.0.`,
    );
  const body = parseBody(req.body);
  if (typeof body === 'string') return errorResponse(400, 'invalid-push', body);
  const plan = options.plans.find((p) => p.provenance?.repository === repository);
  const identity = { ...options.registry, host: plan?.provenance?.registry ?? options.registry.host };
  const fault = world.faultFor(`${identity.host}/${repository}:${tag}`);
  const repo = gitRepositoryOf(plan);
  const revision = fault.noRevision ? undefined : (body.revision ?? defaultRevision(repository, tag));
  const pushed = world.pushImage({
    repository,
    tag,
    revision,
    source: body.source ?? (repo ? `https://github.com/${repo}` : undefined),
    version: body.version ?? tag,
    created: body.created,
    platforms: body.platforms ?? ['linux/amd64'],
  });
  const image = `${identity.host}/${repository}:${tag}@${pushed.digest}`;
  const answer = {
    digest: pushed.digest,
    mediaType: pushed.mediaType,
    image,
    ...(revision && { revision }),
    ...(pushed.platforms.length > 0 && {
      manifests: pushed.platforms.map((p) => ({ digest: p.digest, platform: p.platform })),
    }),
    ...(plan && { service: plan.service, deploymentId: deploymentIdFor(plan.service, pushed.digest) }),
  };
  if (body.deliver === false || !options.deliver) return jsonResponse(201, { ...answer, delivered: false });
  const statuses: number[] = [];
  for (const event of pushEvents(identity, repository, tag, pushed, world.nowIso()))
    statuses.push(await options.deliver([event]));
  const failed = statuses.find((s) => s >= 300);
  if (failed !== undefined)
    return errorResponse(502, 'delivery-failed', `Gantry's Event Grid route answered ${failed}.`, {
      ...answer,
      statuses,
    });
  return jsonResponse(201, { ...answer, delivered: true, events: statuses.length });
}
