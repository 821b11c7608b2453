/** The service board, `#/services/<name>`: what runs where for one service, and why, refreshed live. */
import { getServiceBoard, me, serverNow } from './api.js';
import { h, patch, time } from './dom.js';
import { formatAge, formatClock, shortDigest, stateLabel } from './format.js';
import { pageStatus, type Page } from './page.js';
import { Poller } from './poller.js';
import { quarantinePanel, type QuarantineView } from './quarantine-panel.js';
import { ringsTable, type ServiceRing } from './rings.js';

const POLL_MS = 3000;

type Probe = { reachable: boolean; error?: string } & Record<string, unknown>;
interface Release {
  deploymentId: string;
  image: { tag?: string; digest: string };
  releasedAt: string;
  via?: 'rollback';
  current?: boolean;
  rolledBack?: boolean;
}
interface EnvironmentBoard {
  environment: string;
  live: { argo: Probe; cluster?: Probe; canaryWeight?: Probe };
  current: {
    verdict: 'match' | 'drift' | 'unrecorded' | 'unknown';
    digest: string | null;
    version: string | null;
    message?: string;
  };
  recorded: Release | null;
}
export interface ServiceBoard {
  service: string;
  at: string;
  environments: EnvironmentBoard[];
  lastKnownGood: Release | null;
  releases: Release[];
  inFlight: {
    id: string;
    state: string;
    weight: number;
    liveWeight: number | null;
    version: string | null;
    digest: string;
  } | null;
  queue: Array<{ deploymentId: string; digest: string; enqueuedAt: string }>;
  holds: Array<{ kind: string; message: string }>;
  quarantine?: QuarantineView;
  recent: Array<{
    id: string;
    state: string;
    reason: string | null;
    rolledBack: boolean;
    version: string | null;
    digest: string;
    updatedAt: string;
  }>;
  rings?: ServiceRing[];
}

const link = (id: string, ...text: Array<string | Node>) =>
  h('a', { href: `#/deployments/${encodeURIComponent(id)}`, 'data-focus-key': id }, ...text);
const version = (v: string | null, digest: string | null) =>
  digest ? [v ?? 'untagged', ' ', h('code', { class: 'digest' }, shortDigest(digest))] : ['unknown'];
const ago = (iso: string) => time(iso, formatAge(serverNow() - Date.parse(iso)));

const VERDICT = {
  match: 'as released',
  drift: 'drift',
  unrecorded: 'not released by Gantry',
  unknown: 'unknown',
} as const;

function probeLine(label: string, p: Probe | undefined, ok: (p: Probe) => string): Node | null {
  if (!p) return null;
  return h(
    'li',
    { 'data-probe': label },
    `${label}: `,
    p.reachable ? ok(p) : h('span', { class: 'badge outcome-Failed' }, 'unreachable'),
    p.reachable ? null : ` ${String(p.error ?? '')}`,
  );
}

function environment(e: EnvironmentBoard): Node {
  const c = e.current;
  return h(
    'section',
    { class: 'board-env', 'data-environment': e.environment, 'aria-labelledby': `env-${e.environment}` },
    h('h2', { id: `env-${e.environment}` }, e.environment === 'production' ? 'Production' : 'Staging'),
    h(
      'p',
      { class: 'board-live' },
      'Live now: ',
      ...version(c.version, c.digest),
      ' ',
      h(
        'span',
        { class: `badge verdict-${c.verdict === 'match' ? 'pass' : 'fail'}`, 'data-verdict': c.verdict },
        VERDICT[c.verdict],
      ),
    ),
    c.message ? h('p', { class: 'board-drift' }, c.message) : null,
    h(
      'ul',
      {},
      probeLine('Argo CD', e.live.argo, (p) => `${String(p.app)} · ${String(p.sync)} · ${String(p.health)}`),
      probeLine(
        'Cluster',
        e.live.cluster,
        (p) => `${String(p.deployment)} · ${String(p.readyReplicas)}/${String(p.replicas)} ready`,
      ),
      probeLine('Canary weight', e.live.canaryWeight, (p) => `${String(p.weight)}%`),
    ),
    e.recorded
      ? h(
          'p',
          { class: 'hint' },
          'Last release recorded: ',
          link(e.recorded.deploymentId, e.recorded.deploymentId),
          e.recorded.via === 'rollback' ? ' (via rollback)' : '',
        )
      : h('p', { class: 'hint' }, 'No release recorded by Gantry.'),
  );
}

function summary(b: ServiceBoard): Node {
  const good = b.lastKnownGood;
  const f = b.inFlight;
  const row = (label: string, ...value: Array<Node | string | null>) =>
    h('div', { class: 'board-row' }, h('dt', {}, label), h('dd', {}, ...value));
  return h(
    'dl',
    { class: 'board-summary' },
    row(
      'Last known good',
      ...(good
        ? [
            link(good.deploymentId, ...version(good.image.tag ?? null, good.image.digest)),
            good.via === 'rollback' ? ' via rollback' : '',
          ]
        : ['none']),
    ),
    row(
      'In flight',
      ...(f
        ? [
            link(f.id, ...version(f.version, f.digest)),
            ` · ${stateLabel(f.state)} · ${f.weight}%`,
            f.liveWeight !== null && f.liveWeight !== f.weight ? ` (router reads ${f.liveWeight}%)` : '',
          ]
        : ['none']),
    ),
    row(
      'Queue',
      ...(b.queue.length > 0
        ? b.queue.flatMap((q, i) => [i > 0 ? ', ' : '', link(q.deploymentId, shortDigest(q.digest))])
        : ['empty']),
    ),
    row(
      'Holds',
      b.holds.length > 0
        ? h('ul', {}, ...b.holds.map((x) => h('li', { 'data-hold': x.kind }, x.message)))
        : 'none',
    ),
  );
}

function recent(b: ServiceBoard): Node {
  if (b.recent.length === 0)
    return h('p', { class: 'empty' }, 'No finished deployments in the last 30 days.');
  return h(
    'table',
    { class: 'deployments board-recent' },
    h('caption', {}, 'Last outcomes, newest first'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Image', 'Outcome', 'Why', 'When'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...b.recent.map((d) =>
        h(
          'tr',
          { 'data-id': d.id },
          h('td', {}, link(d.id, ...version(d.version, d.digest))),
          h(
            'td',
            {},
            h('span', { class: `badge outcome-${d.state}` }, stateLabel(d.state)),
            d.rolledBack ? h('span', { class: 'badge outcome-RolledBack' }, 'rolled back') : null,
          ),
          h('td', {}, d.reason ?? ''),
          h('td', {}, ago(d.updatedAt)),
        ),
      ),
    ),
  );
}

export function servicePage(main: HTMLElement, name: string): Page {
  const status = pageStatus(() => formatClock(serverNow()));
  const results = h('div', { class: 'results' });
  const panel = quarantinePanel(name, () => poller.now());
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Deployments')),
    h('h1', { id: 'page-title', tabindex: -1 }, name),
    h(
      'p',
      {},
      h('a', { href: `#/services/${encodeURIComponent(name)}/backtest` }, 'Backtest the canary spec'),
    ),
    status.live,
    status.error,
    results,
    panel.element,
  );
  const poller = new Poller(
    async () => {
      const [board, caller] = await Promise.all([getServiceBoard(name), me()]);
      panel.update(board.quarantine, caller.principal?.roles.includes('Gantry.Operator') ?? false);
      patch(results, JSON.stringify([board, Math.floor(serverNow() / 1000)]), () => [
        summary(board),
        ringsTable(board.rings),
        ...board.environments.map(environment),
        recent(board),
      ]);
    },
    () => POLL_MS,
    status.report,
  );
  poller.now();
  return { unmount: () => poller.stop() };
}
