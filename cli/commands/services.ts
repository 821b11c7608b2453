import type { DeploymentRecord, ReleaseRecord } from '../../shared/domain/deployment.js';
import { intFlag, positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { imageLabel, plain } from '../format.js';
import { servicePath } from '../paths.js';
import type { ServiceBoard } from '../../shared/app/service-board.js';
import { boardLines } from '../render/board.js';
import { releasesTable, servicesTable, type ServiceSummary } from '../render/lists.js';
import { stateStyle } from '../style.js';
import { MESSAGE_FLAG, type Command } from './types.js';
import { watch } from './watch.js';

export const services: Command = {
  name: 'services',
  summary: 'list configured services, their production release and active deployment',
  usage: 'gantry services',
  description: [
    'Lists every configured service with its current production release and the deployment in its lane.',
  ],
  flags: [],
  examples: ['gantry services'],
  async run(ctx) {
    positionals('services', ctx.args, []);
    const { body } = await ctx.api.get<{ services: ServiceSummary[] }>('/api/services');
    if (ctx.out.json) ctx.out.value(body);
    else ctx.out.lines(servicesTable(body.services, ctx.out.style, ctx.out.width));
    return EXIT.ok;
  },
};

export const service: Command = {
  name: 'service',
  summary: 'what runs where for a service, and why (the service board)',
  usage: 'gantry service <service>',
  description: [
    'Per environment, the version live now as Argo CD and the cluster report it (marked DRIFT when it is not',
    "Gantry's last release, unreachable when they do not answer), the last known good release, the deployment",
    'in flight with its stage and weight, the queue, holds (rollback, freeze, approval) and recent outcomes.',
  ],
  flags: [],
  examples: ['gantry service ApiGateway', 'gantry service ApiGateway --json'],
  async run(ctx) {
    const { service: name } = positionals('service', ctx.args, ['service']);
    const { body } = await ctx.api.get<ServiceBoard>(servicePath(name as string));
    if (ctx.out.json) ctx.out.value(body);
    else ctx.out.lines(boardLines(body, ctx.out.style, ctx.out.width));
    return EXIT.ok;
  },
};

export const releases: Command = {
  name: 'releases',
  summary: "list a service's production releases, newest first",
  usage: 'gantry releases <service> [--limit <n>]',
  description: [
    'Lists production releases (promotions and rollbacks), newest first: the targets of `gantry rollback --to`.',
  ],
  flags: [
    {
      name: 'limit',
      short: 'n',
      kind: 'string',
      value: '<n>',
      description: 'at most n releases, 1-200 (default 20)',
    },
  ],
  examples: ['gantry releases ApiGateway --limit 5'],
  async run(ctx) {
    const { service } = positionals('releases', ctx.args, ['service']);
    const limit = intFlag(ctx.flags, 'limit', 1, 200);
    const { body } = await ctx.api.get<{ service: string; releases: ReleaseRecord[] }>(
      `${servicePath(service as string)}/releases`,
      { limit },
    );
    if (ctx.out.json) ctx.out.value(body);
    else if (body.releases.length === 0)
      ctx.out.line(ctx.out.style.dim(`${plain(body.service)} has no production release yet.`));
    else ctx.out.lines(releasesTable(body.releases, ctx.out.style, ctx.out.width));
    return EXIT.ok;
  },
};

interface RollbackAnswer {
  rollback: {
    service: string;
    app: string;
    from: ReleaseRecord;
    to: ReleaseRecord;
    requestedBy: string;
    instanceId: string;
  };
}

export const rollback: Command = {
  name: 'rollback',
  summary: 'point production back at an earlier release (needs -m)',
  usage: 'gantry rollback <service> [--to <deployment id>] -m <text>',
  description: [
    "Points the service's production Argo CD application back at an earlier release's image, without a new",
    'pipeline run. Without --to it goes to the newest release whose image differs from the current one.',
    'Refused while a deployment of the service is running (abort it first) or another rollback syncs.',
  ],
  flags: [
    {
      name: 'to',
      kind: 'string',
      value: '<id>',
      description: 'the release (deployment id) to go back to; see gantry releases',
    },
    MESSAGE_FLAG,
  ],
  examples: [
    'gantry rollback ApiGateway -m "p95 doubled since 1.4.0"',
    'gantry rollback ApiGateway --to apigateway-1111aaaa2222 -m "back to 1.3.2"',
  ],
  async run(ctx) {
    const { service } = positionals('rollback', ctx.args, ['service']);
    const comment = stringFlag(ctx.flags, 'message');
    if (!comment?.trim()) throw usageError('\'rollback\' needs a reason: -m "<text>".', { flag: 'message' });
    const to = stringFlag(ctx.flags, 'to');
    const { body } = await ctx.api.post<RollbackAnswer>(`${servicePath(service as string)}/rollback`, {
      ...(to === undefined ? {} : { to }),
      comment,
    });
    if (ctx.out.json) {
      ctx.out.value(body);
      return EXIT.ok;
    }
    const r = body.rollback;
    const { style } = ctx.out;
    ctx.out.line(
      `Rolling back ${style.bold(plain(r.service))} (${plain(r.app)}), requested by ${plain(r.requestedBy)}:`,
    );
    ctx.out.line(`  from ${plain(r.from.deploymentId)}  ${imageLabel(r.from.image)}`);
    ctx.out.line(`  to   ${style.bold(plain(r.to.deploymentId))}  ${imageLabel(r.to.image)}`);
    ctx.out.line(
      style.dim(
        `The sync result lands in the timeline: gantry status ${plain(r.to.deploymentId)} --timeline`,
      ),
    );
    return EXIT.ok;
  },
};

export const trigger: Command = {
  name: 'trigger',
  summary: 'start a pipeline for an image (by digest)',
  usage: 'gantry trigger <service> <image> [--commit <sha>] [--watch]',
  description: [
    'Submits an image as CI would: <image> is a full reference with a digest,',
    'e.g. myregistry.azurecr.io/api-gateway:1.4.0@sha256:<64 hex>. Submitting the same digest again is',
    'harmless and answers with the existing deployment. --watch then follows it (exit codes as in watch).',
  ],
  flags: [
    {
      name: 'commit',
      kind: 'string',
      value: '<sha>',
      description: 'the 40-character Git commit the image was built from',
    },
    { name: 'watch', short: 'w', kind: 'boolean', description: 'follow the deployment until it finishes' },
    ...watch.flags,
  ],
  examples: ['gantry trigger ApiGateway hearloveen.azurecr.io/api-gateway:1.4.0@sha256:1111…1111 --watch'],
  async run(ctx) {
    const { service, image } = positionals('trigger', ctx.args, ['service', 'image']);
    const commitSha = stringFlag(ctx.flags, 'commit');
    const res = await ctx.api.post<{ deployment: DeploymentRecord }>('/api/deployments', {
      service,
      image,
      ...(commitSha === undefined ? {} : { commitSha }),
    });
    const d = res.body.deployment;
    if (ctx.out.json && !ctx.flags.watch) ctx.out.value({ ...res.body, created: res.status === 201 });
    else if (!ctx.out.json) {
      const { style } = ctx.out;
      const what = res.status === 201 ? 'Submitted' : 'Already submitted:';
      ctx.out.line(
        `${what} ${style.bold(plain(d.id))} (${plain(d.service)}, ${stateStyle(style, plain(d.state))}).`,
      );
      if (!ctx.flags.watch) ctx.out.line(style.dim(`Follow it with: gantry watch ${plain(d.id)}`));
    }
    if (ctx.flags.watch) return watch.run({ ...ctx, args: [d.id] });
    return EXIT.ok;
  },
};
