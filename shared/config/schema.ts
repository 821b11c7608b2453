import { z } from 'zod';
import type { ImageBinding, RouterSpec } from '../contracts/plan.js';
import { CHAT_EVENTS } from '../domain/chat-actions.js';
import type { ChatRoute } from '../domain/chat-routing.js';
import { parseDuration } from '../domain/duration.js';
import { isValidRegistry, isValidRepository } from '../domain/image-ref.js';
import { DEFAULT_COMMIT_TAG } from '../domain/provenance.js';
import * as names from '../domain/names.js';
import { alertRouting } from './alert-routing-schema.js';
import { canary, verification, VERIFICATION_DEFAULT } from './analysis-schema.js';
import type { ChatConfig } from './chat-schema.js';
import { gitopsMode } from './gitops-schema.js';
import { checkProviderMetrics } from './provider-schema.js';
import { checkRingApprovals, checkRingTargets, onRingFailure, rings } from './rings-schema.js';
import {
  approval,
  argoApplication,
  freeze,
  githubRepository,
  grammar,
  isoDate,
  int,
  k8sName,
  label,
  positiveDuration,
  regex,
  serviceName,
  uniqueNames,
} from './fields.js';

/**
 * The schema of one service after `defaults` have been merged under it (see load.ts). Every object is
 * strict: an unknown key is an error, so a typo never silently falls back to a default. Durations are
 * strings in the file and milliseconds here.
 */

const imageMatch = z.strictObject({
  registry: grammar(isValidRegistry, 'a registry host[:port], e.g. myregistry.azurecr.io'),
  repository: grammar(isValidRepository, 'an OCI repository path (lowercase, e.g. team/api-gateway)'),
  tagPattern: z.strictObject({ include: regex.optional(), exclude: regex.optional() }).optional(),
  /** Tags that name the commit (docker/metadata-action `type=sha`); the first capture group is the SHA. */
  commitTag: regex.default(DEFAULT_COMMIT_TAG),
});

/** `{ helmParameter: image.tag }` or `{ kustomizeImage: name }`, exactly one. */
const imageBinding = z
  .strictObject({
    helmParameter: grammar(names.isHelmParameter, 'a Helm parameter path such as image.tag').optional(),
    kustomizeImage: grammar(names.isKustomizeImageName, 'a Kustomize image name').optional(),
    gitops: gitopsMode.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.helmParameter === undefined) === (v.kustomizeImage === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of helmParameter or kustomizeImage' });
    }
  })
  .transform((v): ImageBinding => ({
    ...(v.helmParameter !== undefined
      ? { kind: 'helm-parameter', parameter: v.helmParameter }
      : { kind: 'kustomize-image', name: v.kustomizeImage as string }),
    ...(v.gitops ? { git: v.gitops } : {}),
  }));

const gates = z.strictObject({
  vulnerability: z
    .strictObject({
      failOn: z.enum(['critical', 'high', 'medium', 'low']),
      allow: z
        .array(
          z.strictObject({
            id: grammar(
              (v) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(v),
              'a vulnerability id such as CVE-2024-1234',
            ),
            expires: isoDate,
            reason: label,
          }),
        )
        .default([]),
    })
    .optional(),
  signature: z
    .strictObject({ key: grammar((v) => /^\S{1,512}$/.test(v), 'a cosign key reference') })
    .optional(),
  ciStatus: z
    .strictObject({
      repository: githubRepository,
      checks: z.array(label).min(1),
      whenCommitUnknown: z.enum(['fail', 'skip']).default('fail'),
    })
    .optional(),
});

const staging = z
  .strictObject({
    application: argoApplication,
    namespace: grammar(names.isDnsLabel, 'a Kubernetes namespace').optional(),
    image: imageBinding,
    syncTimeout: positiveDuration.default(parseDuration('10m')),
    smoke: z
      .array(
        z.strictObject({
          name: label,
          url: grammar((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'an http(s) URL'),
          expectStatus: int(100, 599).default(200),
          retries: int(0, 100).default(3),
          timeout: positiveDuration.default(parseDuration('10s')),
        }),
      )
      .default([]),
    tests: z
      .array(
        z.strictObject({
          name: label,
          repository: githubRepository,
          workflow: grammar(names.isWorkflowFile, 'a workflow file name (e.g. e2e.yml) or id'),
          ref: grammar(names.isGitRef, 'a git branch, tag or commit').default('main'),
          timeout: positiveDuration.default(parseDuration('30m')),
        }),
      )
      .default([]),
  })
  .superRefine((v, ctx) => {
    uniqueNames(v.smoke, ctx, 'smoke');
    uniqueNames(v.tests, ctx, 'tests');
  });

const router = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('nginx'),
    ingress: k8sName.optional(),
    canaryIngress: k8sName.optional(),
  }),
  z.strictObject({
    kind: z.literal('gateway-api'),
    route: k8sName.optional(),
    primaryBackend: serviceName.optional(),
    canaryBackend: serviceName.optional(),
  }),
  z.strictObject({ kind: z.literal('replicas') }),
]);

/** Router names default from the Deployment: `<deployment>`, and `-canary` for the canary side. */
function resolveRouter(
  spec: z.output<typeof router>,
  deployment: string,
  canaryDeployment: string,
): RouterSpec {
  switch (spec.kind) {
    case 'nginx': {
      const ingress = spec.ingress ?? deployment;
      return { kind: 'nginx', ingress, canaryIngress: spec.canaryIngress ?? `${ingress}-canary` };
    }
    case 'gateway-api':
      return {
        kind: 'gateway-api',
        route: spec.route ?? deployment,
        primaryBackend: spec.primaryBackend ?? deployment,
        canaryBackend: spec.canaryBackend ?? `${deployment}-canary`,
      };
    default:
      // The replica router scales the canary against the primary, so it needs both names.
      return { kind: 'replicas', deployment, canaryDeployment };
  }
}

const production = z
  .strictObject({
    subscriptionId: grammar(names.isGuid, 'an Azure subscription id (GUID)'),
    resourceGroup: grammar(names.isResourceGroupName, 'an Azure resource group name'),
    cluster: grammar(names.isAksClusterName, 'an AKS cluster name'),
    namespace: grammar(names.isDnsLabel, 'a Kubernetes namespace (lowercase DNS label)'),
    deployment: k8sName,
    canaryDeployment: k8sName.optional(),
    router: router.default({ kind: 'replicas' }),
    application: argoApplication,
    image: imageBinding,
    rings: rings.optional(),
    onRingFailure,
  })
  .superRefine(checkRingTargets)
  .transform((v, ctx) => {
    const canaryDeployment = v.canaryDeployment ?? `${v.deployment}-canary`;
    const resolved = {
      ...v,
      canaryDeployment,
      router: resolveRouter(v.router, v.deployment, canaryDeployment),
    };
    const derived: Array<[string[], string, (s: string) => boolean]> = [
      [['canaryDeployment'], resolved.canaryDeployment, names.isDnsSubdomain],
      ...(resolved.router.kind === 'gateway-api'
        ? ([
            [['router', 'primaryBackend'], resolved.router.primaryBackend, names.isDns1035Label],
            [['router', 'canaryBackend'], resolved.router.canaryBackend, names.isDns1035Label],
          ] as Array<[string[], string, (s: string) => boolean]>)
        : []),
    ];
    for (const [path, value, check] of derived) {
      if (!check(value))
        ctx.addIssue({ code: 'custom', path, message: `"${value}" (derived) is not a valid name; set it` });
    }
    if (resolved.canaryDeployment === v.deployment) {
      ctx.addIssue({ code: 'custom', path: ['canaryDeployment'], message: 'must differ from deployment' });
    }
    return resolved;
  });

/** Whether an automatic rollback in an environment holds the lane until an Operator lifts it. */
const holds = z
  .strictObject({ staging: z.boolean().default(false), production: z.boolean().default(true) })
  .default({ staging: false, production: true });

/**
 * Chat routes: which channel gets which events, per environment. `defaults` sets the routes every
 * service inherits; a service's own `routes` list replaces them (lists are replaced when merged).
 * Tokens and webhook URLs are app settings, never here: a Teams route names its setting.
 */
const chatRoute = z
  .strictObject({
    slack: grammar(
      (v) => /^[CDG][A-Z0-9]{8,20}$/.test(v),
      'a Slack channel id such as C0123ABCD45',
    ).optional(),
    teams: grammar(
      (v) => /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(v),
      'a webhook setting name (letters, digits, _): GANTRY_TEAMS_WEBHOOK_<NAME> holds the URL',
    ).optional(),
    events: z
      .array(z.enum(CHAT_EVENTS))
      .min(1)
      .default([...CHAT_EVENTS]),
    environments: z
      .array(z.enum(['staging', 'production']))
      .min(1)
      .default(['staging', 'production']),
  })
  .superRefine((v, ctx) => {
    if ((v.slack === undefined) === (v.teams === undefined))
      ctx.addIssue({ code: 'custom', message: 'set exactly one of slack or teams' });
  })
  .transform((v): ChatRoute => ({
    to:
      v.slack !== undefined
        ? { kind: 'slack', channel: v.slack }
        : { kind: 'teams', webhook: v.teams as string },
    events: [...new Set(v.events)],
    environments: [...new Set(v.environments)],
  }));

const notifications = z.strictObject({ routes: z.array(chatRoute).default([]) });

export const serviceSchema = z.strictObject({
  image: imageMatch,
  gates: gates.default({}),
  staging,
  production,
  canary,
  verification: verification.default(VERIFICATION_DEFAULT),
  approval,
  freezes: z.array(freeze).default([]),
  notifications: notifications.default({ routes: [] }),
  alertRouting: alertRouting.optional(),
  holds,
});

export type ServiceConfig = z.output<typeof serviceSchema>;

/** A service with the checks that span its blocks: verification rules run on the canary's provider. */
export const checkedServiceSchema = serviceSchema.superRefine((s, ctx) => {
  checkProviderMetrics(s.canary.provider, s.verification.rules, ['verification', 'rules'], ctx);
  checkRingApprovals(s, ctx);
});

/** Keys a service may set; `defaults` may set all of them except `image`. */
export const SERVICE_KEYS = Object.keys(serviceSchema.shape) as Array<keyof ServiceConfig>;

export interface GantryConfig {
  version: 1;
  /** Services by name, in file order. */
  services: Record<string, ServiceConfig>;
  /** Who chat users are to Gantry (shared/config/chat-schema.ts); absent: nobody acts from chat. */
  chat?: ChatConfig;
}
