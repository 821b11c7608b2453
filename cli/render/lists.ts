import type { DeploymentRecord, ReleaseRecord } from '../../shared/domain/deployment.js';
import { imageLabel, plain, time } from '../format.js';
import { stateStyle, type Style } from '../style.js';
import { formatTable } from '../table.js';

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

export function releasesTable(releases: readonly ReleaseRecord[], width: number): string[] {
  return formatTable(
    [{ header: 'RELEASED' }, { header: 'DEPLOYMENT' }, { header: 'IMAGE', flex: true }],
    releases.map((r) => [time(r.releasedAt), plain(r.deploymentId), imageLabel(r.image)]),
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
