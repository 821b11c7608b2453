import type { EnvironmentBoard, ServiceBoard } from '../../shared/app/service-board.js';
import { imageLabel, plain, shortDigest, time } from '../format.js';
import { stateStyle, type Style } from '../style.js';
import { serviceRingLines } from './rings.js';

/** `gantry service <name>`: what runs where, and why, in one screen. Every server string goes through plain(). */

const versionLabel = (version: string | null, digest: string | null): string =>
  digest ? `${version ? `${plain(version)} ` : ''}@${shortDigest(digest)}` : 'unknown';

function liveLines(e: EnvironmentBoard, style: Style): string[] {
  const lines: string[] = [];
  const argo = e.live.argo;
  lines.push(
    argo.reachable
      ? `    Argo CD  ${plain(argo.app)}: ${plain(argo.sync)}, ${plain(argo.health)}`
      : `    Argo CD  ${style.red('unreachable')}: ${plain(argo.error)}`,
  );
  const cluster = e.live.cluster;
  if (cluster)
    lines.push(
      cluster.reachable
        ? `    cluster  ${plain(cluster.deployment)}: ${cluster.readyReplicas}/${cluster.replicas} ready`
        : `    cluster  ${style.red('unreachable')}: ${plain(cluster.error)}`,
    );
  const weight = e.live.canaryWeight;
  if (weight)
    lines.push(
      weight.reachable
        ? `    canary   ${weight.weight}% of traffic`
        : `    canary   weight ${style.red('unreachable')}: ${plain(weight.error)}`,
    );
  return lines;
}

function environmentLines(e: EnvironmentBoard, style: Style): string[] {
  const c = e.current;
  const verdict =
    c.verdict === 'match'
      ? style.green('as released')
      : c.verdict === 'drift'
        ? style.red('DRIFT')
        : style.yellow(c.verdict === 'unrecorded' ? 'not released by Gantry' : 'unknown');
  const lines = [`  ${style.bold(e.environment)}  live ${versionLabel(c.version, c.digest)}  ${verdict}`];
  if (c.verdict !== 'match' && 'message' in c) lines.push(`    ${plain(c.message)}`);
  lines.push(...liveLines(e, style));
  if (e.recorded)
    lines.push(
      style.dim(`    last release ${plain(e.recorded.deploymentId)} ${time(e.recorded.releasedAt)}`) +
        (e.recorded.via === 'rollback' ? ` ${style.yellow('(via rollback)')}` : ''),
    );
  return lines;
}

export function boardLines(b: ServiceBoard, style: Style, width = 100): string[] {
  const lines = [`${style.bold(plain(b.service))}  ${style.dim(`as of ${time(b.at)}`)}`, ''];
  for (const e of b.environments) lines.push(...environmentLines(e, style));
  lines.push('');
  const good = b.lastKnownGood;
  lines.push(
    good
      ? `Last known good  ${plain(good.deploymentId)}  ${imageLabel(good.image)}` +
          (good.via === 'rollback' ? `  ${style.yellow('via rollback')}` : '')
      : `Last known good  ${style.dim('none')}`,
  );
  const f = b.inFlight;
  lines.push(
    f
      ? `In flight        ${plain(f.id)}  ${stateStyle(style, plain(f.state))}  weight ${f.weight}%` +
          (f.liveWeight !== null && f.liveWeight !== f.weight ? ` (router: ${f.liveWeight}%)` : '')
      : `In flight        ${style.dim('none')}`,
  );
  lines.push(
    b.queue.length > 0
      ? `Queue            ${b.queue.map((q) => `${plain(q.deploymentId)} @${shortDigest(q.digest)}`).join(', ')}`
      : `Queue            ${style.dim('empty')}`,
  );
  if (b.holds.length === 0) lines.push(`Holds            ${style.dim('none')}`);
  for (const [i, h] of b.holds.entries())
    lines.push(
      `${i === 0 ? 'Holds          ' : '               '}  ${style.yellow(plain(h.kind))}: ${plain(h.message)}`,
    );
  lines.push(...quarantineLines(b, style));
  lines.push(...serviceRingLines(b.rings, style, width));
  lines.push('', 'Recent outcomes');
  if (b.recent.length === 0) lines.push(style.dim('  none in the last 30 days'));
  for (const r of b.recent)
    lines.push(
      `  ${time(r.updatedAt)}  ${plain(r.id)}  ${stateStyle(style, plain(r.state))}` +
        (r.rolledBack ? `  ${style.red('rolled back')}` : '') +
        (r.reason ? `  ${style.dim(plain(r.reason))}` : ''),
    );
  return lines;
}

/** Quarantined digests and the lane's hold, with the commands that lift them. */
function quarantineLines(b: ServiceBoard, style: Style): string[] {
  const { quarantined, hold } = b.quarantine;
  const service = plain(b.service);
  const lines: string[] = [];
  if (quarantined.length === 0) lines.push(`Quarantined      ${style.dim('none')}`);
  for (const [i, q] of quarantined.entries()) {
    const refused = q.refusals ? `  refused ${q.refusals.count}x` : '';
    lines.push(
      `${i === 0 ? 'Quarantined    ' : '               '}  ${style.red(`@${shortDigest(q.digest)}`)}  ` +
        `${plain(q.deploymentId)}  ${time(q.at)}  ${plain(q.reason)}${refused}`,
    );
    lines.push(
      style.dim(`                   lift: gantry quarantine lift ${service} ${plain(q.digest)} --reason "…"`),
    );
  }
  if (hold && !hold.lifted)
    lines.push(style.dim(`Hold             lift: gantry hold lift ${service} --reason "…"`));
  else if (hold?.lifted)
    lines.push(
      style.dim(
        `Hold             lifted by ${plain(hold.lifted.by)} ${time(hold.lifted.at)}: ${plain(hold.lifted.reason)}`,
      ),
    );
  return lines;
}
