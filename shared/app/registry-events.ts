// Types only: the SDK's runtime (and the REST pipeline under it) would cost a cold start ~50 ms to load.
import type {
  ContainerRegistryImageDeletedEventData,
  ContainerRegistryImagePushedEventData,
} from '@azure/eventgrid';
import type { z } from 'zod';
import { lazySchema } from '../zod.js';
import { isValidDigest, isValidRegistry, isValidRepository, isValidTag } from '../domain/image-ref.js';

/**
 * Pure parsing of container registry notifications (ACR through Event Grid in either schema, ACR native
 * webhooks) into what Gantry acts on. `@azure/eventgrid` is not a dependency: the shapes are typed here
 * with zod, and every field is optional in practice (reference section 1.1), so absence is decided here.
 */

/**
 * Event Grid's own limit: an event is at most 1 MiB (so is a delivery, a batch of events; the Event Grid
 * trigger hands Gantry one event at a time, so the event is what Gantry can check).
 */
export const MAX_EVENT_BYTES = 1024 * 1024;
/**
 * An ACR event's `data` is about 1 KB (its `target`, a few hundred bytes). Unknown fields are ignored, but
 * bounded: a larger `data` or `target` is not a registry notification, whatever fields it also carries.
 */
export const MAX_DATA_BYTES = 64 * 1024;
export const MAX_TARGET_BYTES = 8 * 1024;

/** UTF-8 size of a value's JSON (what was delivered, give or take whitespace); Infinity if unserialisable. */
export function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return Infinity;
  }
}

/** The schemas, built on first use (shared/zod.ts): a cold worker loads this module for every function. */
const schemas = lazySchema((z) => {
  const text = z.string().max(1024);
  const target = z.looseObject({
    mediaType: text.optional(),
    digest: text.optional(),
    repository: text.optional(),
    tag: text.optional(),
  });
  const acrEventData = z.looseObject({
    id: text.optional(),
    action: text.optional(),
    target: target.optional(),
    request: z.looseObject({ host: text.optional() }).optional(),
    actor: z.looseObject({ name: text.optional() }).optional(),
  });
  const eventGridEvent = z.looseObject({
    id: text,
    eventType: text,
    topic: text.optional(),
    subject: z.string().optional(),
    data: z.unknown(),
  });
  const cloudEvent = z.looseObject({
    specversion: z.literal('1.0'),
    id: text,
    type: text,
    source: text.optional(),
    data: z.unknown(),
  });
  return { acrEventData, eventGridEvent, cloudEvent };
});

/** The `data` object of ACR events, which is also the whole body of an ACR native webhook. */
export const acrEventData = (): ReturnType<typeof schemas>['acrEventData'] => schemas().acrEventData;
export type AcrEventData = z.infer<ReturnType<typeof acrEventData>>;

/** One envelope, whichever schema it came in. */
export interface RegistryEnvelope {
  id: string;
  type: string;
  /** Event Grid `topic` / CloudEvents `source`: the registry's ARM id. */
  source?: string;
  data: unknown;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const issues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');

/** Accepts an Event Grid schema event or a CloudEvents 1.0 event (the trigger delivers either). */
export function parseEnvelope(event: unknown): Parsed<RegistryEnvelope> {
  if (typeof event === 'object' && event !== null && 'specversion' in event) {
    const ce = schemas().cloudEvent.safeParse(event);
    if (!ce.success) return { ok: false, error: `not a CloudEvent: ${issues(ce.error)}` };
    return {
      ok: true,
      value: { id: ce.data.id, type: ce.data.type, source: ce.data.source, data: ce.data.data },
    };
  }
  const eg = schemas().eventGridEvent.safeParse(event);
  if (!eg.success) return { ok: false, error: `not an Event Grid event: ${issues(eg.error)}` };
  return {
    ok: true,
    value: { id: eg.data.id, type: eg.data.eventType, source: eg.data.topic, data: eg.data.data },
  };
}

/** Media types of things that run: image manifests and indexes (Docker v2 and OCI). */
export const RUNNABLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

/** What a registry notification asks of Gantry. */
export type RegistryAction =
  | { kind: 'pushed'; registry: string; repository: string; tag: string; digest: string; pushedBy?: string }
  | { kind: 'deleted'; registry: string; repository: string; digest: string }
  | { kind: 'ignored'; reason: string };

/** `/subscriptions/../registries/<name>` → `<name>.azurecr.io`, for events without `request.host`. */
export function registryFromSource(source: string | undefined): string | undefined {
  const name = source ? /\/registries\/([a-z0-9]{5,50})$/i.exec(source)?.[1] : undefined;
  return name ? `${name.toLowerCase()}.azurecr.io` : undefined;
}

/**
 * The deployment rule: **one deployment per tagged digest**. A multi-arch push notifies the index (carrying
 * the tag) and each platform manifest (digest only); only the tagged one names what was released, so
 * untagged manifests are ignored. A tagged digest must still be a runnable image (a manifest or an index):
 * Helm charts, signatures and other OCI artifacts pushed with a tag are ignored. A missing media type is
 * accepted, since ACR marks every field optional and the tag already says a person released it.
 */
export function actionFromData(action: string, raw: unknown, registryHint?: string): RegistryAction {
  const size = jsonBytes(raw);
  if (size > MAX_DATA_BYTES)
    return { kind: 'ignored', reason: `event data of ${size} bytes exceeds ${MAX_DATA_BYTES}` };
  const targetSize = jsonBytes((raw as { target?: unknown } | null)?.target ?? null);
  if (targetSize > MAX_TARGET_BYTES)
    return { kind: 'ignored', reason: `event target of ${targetSize} bytes exceeds ${MAX_TARGET_BYTES}` };
  const parsed = acrEventData().safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: `malformed event data: ${issues(parsed.error)}` };
  const data = parsed.data;
  const t = data.target ?? {};
  const registry = (data.request?.host ?? registryHint ?? '').toLowerCase();
  const repository = t.repository ?? '';
  const digest = t.digest ?? '';
  if (!isValidRegistry(registry)) return { kind: 'ignored', reason: 'no valid registry host' };
  if (!isValidRepository(repository)) return { kind: 'ignored', reason: 'no valid repository' };
  if (!isValidDigest(digest)) return { kind: 'ignored', reason: 'no valid digest' };
  if (action === 'delete') return { kind: 'deleted', registry, repository, digest };
  if (action !== 'push') return { kind: 'ignored', reason: `action '${action.slice(0, 40)}' is not handled` };
  if (!t.tag)
    return { kind: 'ignored', reason: 'untagged manifest (a platform manifest of a multi-arch push)' };
  if (!isValidTag(t.tag)) return { kind: 'ignored', reason: 'invalid tag' };
  if (t.mediaType && !RUNNABLE_MEDIA_TYPES.has(t.mediaType))
    return { kind: 'ignored', reason: `media type ${t.mediaType.slice(0, 80)} is not a runnable image` };
  const pushedBy = data.actor?.name?.trim() || undefined;
  return { kind: 'pushed', registry, repository, tag: t.tag, digest, pushedBy };
}

/**
 * An Event Grid / CloudEvents delivery of one event → what to do. The envelope is validated first (zod);
 * its event type (either schema's) then selects the SDK's `ContainerRegistryImagePushedEventData` /
 * `ContainerRegistryImageDeletedEventData` shape for `data`, before our own checks of its fields.
 */
export function registryActionFromEvent(event: unknown): RegistryAction {
  // Event Grid never delivers a larger event; one that arrives anyway is refused before it is read.
  const size = jsonBytes(event);
  if (size > MAX_EVENT_BYTES)
    return { kind: 'ignored', reason: `event of ${size} bytes exceeds Event Grid's ${MAX_EVENT_BYTES}` };
  const envelope = parseEnvelope(event);
  if (!envelope.ok) return { kind: 'ignored', reason: envelope.error };
  const registryHint = registryFromSource(envelope.value.source);
  const { type, data } = envelope.value;
  if (type === 'Microsoft.ContainerRegistry.ImagePushed')
    return actionFromData('push', data as ContainerRegistryImagePushedEventData, registryHint);
  if (type === 'Microsoft.ContainerRegistry.ImageDeleted')
    return actionFromData('delete', data as ContainerRegistryImageDeletedEventData, registryHint);
  return { kind: 'ignored', reason: `event type ${envelope.value.type.slice(0, 80)} is not handled` };
}

/** An ACR native webhook body (no envelope, `action` inside) → what to do. */
export function registryActionFromWebhook(body: unknown): RegistryAction {
  const parsed = acrEventData().safeParse(body);
  if (!parsed.success) return { kind: 'ignored', reason: `malformed webhook body: ${issues(parsed.error)}` };
  return actionFromData(parsed.data.action ?? '', parsed.data);
}

export const imageOf = (a: { registry: string; repository: string; tag: string; digest: string }): string =>
  `${a.registry}/${a.repository}:${a.tag}@${a.digest}`;
