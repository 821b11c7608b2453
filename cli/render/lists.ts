import type { DeploymentRecord, ReleaseRecord } from '../../shared/domain/deployment.js';
import { imageLabel, plain, time } from '../format.js';
import { stateStyle, type Style } from '../style.js';
import { formatTable } from '../table.js';
import { rolledBackIds } from '../../shared/domain/release-history.js';

export function deploymentsTable(items: readonly DeploymentRecord[], style: Style, width: number): string[] {
  return formatTable(
    [
      { header: 'ID' },
      { header: 'SERVICE' },
      { header: 'STATE' },
      { header: 'WEIGHT', align: 'right' },
      { header: 'CREATED' },
      { header: 'IMAGE', flex: true },
    ],
    items.map((d) => [
      plain(d.id),
      plain(d.service),
      stateStyle(style, plain(d.state)),
      `${d.weight}%`,
      time(d.createdAt),
      imageLabel(d.image),
    ]),
    width,
  );
}

/** What each release is now: only the newest is live; one a rollback left says so; `via` is shown. */
function releaseNote(r: ReleaseRecord, i: number, rolledBack: Set<string>, style: Style): string {
  const notes = [
    ...(i === 0 ? [style.green('live')] : []),
    ...(r.via === 'rollback' ? [style.yellow('via rollback')] : []),
    ...(rolledBack.has(r.deploymentId) ? [style.red('rolled back')] : []),
  ];
  return notes.length > 0 ? notes.join(', ') : style.dim('-');
}

export function releasesTable(releases: readonly ReleaseRecord[], style: Style, width: number): string[] {
  const rolledBack = rolledBackIds(releases);
  return formatTable(
    [{ header: 'RELEASED' }, { header: 'DEPLOYMENT' }, { header: 'NOTE' }, { header: 'IMAGE', flex: true }],
    releases.map((r, i) => [
      time(r.releasedAt),
      plain(r.deploymentId),
      releaseNote(r, i, rolledBack, style),
      imageLabel(r.image),
    ]),
    width,
  );
}

export interface ServiceSummary {
  name: string;
  production: ReleaseRecord | null;
  active: boolean;
  activeDeploymentId: string | null;
}

export function servicesTable(services: readonly ServiceSummary[], style: Style, width: number): string[] {
  return formatTable(
    [
      { header: 'SERVICE' },
      { header: 'ACTIVE' },
      { header: 'RELEASED' },
      { header: 'PRODUCTION', flex: true },
    ],
    services.map((s) => [
      plain(s.name),
      s.activeDeploymentId ? style.cyan(plain(s.activeDeploymentId)) : style.dim('-'),
      time(s.production?.releasedAt),
      s.production
        ? `${plain(s.production.deploymentId)}  ${imageLabel(s.production.image)}`
        : style.dim('none'),
    ]),
    width,
  );
}
