import { UsageError } from '../devhost/cli.js';
import type { SandboxPorts } from './index.js';

/**
 * What `npm start`'s launcher adds to the dev host's command line: `--port-base`, its usage text, and
 * a readable message (component, setting, flag) when a port is taken.
 */

export const LAUNCHER_USAGE = `Usage: npm start -- [options]   (node dist/sandbox/start.js [options])

Starts Gantry in the dev host and, with GANTRY_SANDBOX=true (the example settings), the sandbox
cluster: loopback stand-ins for Kubernetes, Argo CD, Prometheus, GitHub, the staging web and a
container registry, listening where the settings point (local.settings.json, else
local.settings.example.json).

Options:
  --port-base <n>         Move every local port together: the host on n, and the sandbox's kubernetes
                          n+1, argocd n+2, prometheus n+3, github n+4, staging web n+5, control n+6,
                          registry n+7, slack n+8, teams n+9, and further clusters' Kubernetes
                          APIs n+10 on when GANTRY_KUBE_SERVERS names them (default: host 7071,
                          sandbox 7080-7088 from the settings; further clusters on a free port)
  --port <n>              The host's HTTP port only (default Host.LocalHttpPort, 7071)
  --storage <conn>        All of the app's storage (task hub and Gantry's tables) in this Table Storage
                          (default: a local Azurite keeping its data in ./.azurite)
  --azurite-location <d>  Where the local Azurite keeps its data (default ./.azurite)
  --azurite-in-memory     Nothing kept: Azurite in memory, sandbox world not saved
  --time-scale <n>        Run time n times faster (own task hub and tables; the clock continues on restart)
  --start-time <iso>      With --time-scale or --clock virtual: where a new clock starts
  --clock <real|virtual>  Clock (default real)
  --auto-advance          With --clock virtual: skip to the next timer whenever idle
  --master-key <key>      Enforce function keys with this master key
  --log-level <level>     trace|debug|information|warning|error (default information)
  -h, --help              Show this help

docs/devhost.md describes the dev host; README.md the quick start.
`;

/** The sandbox stand-ins, in port order after the host, with the setting that places each. */
export const COMPONENTS = [
  { key: 'kubernetes', name: 'sandbox Kubernetes API', setting: 'GANTRY_KUBE_SERVER' },
  { key: 'argocd', name: 'sandbox Argo CD', setting: 'GANTRY_ARGOCD_URL' },
  { key: 'prometheus', name: 'sandbox Prometheus', setting: 'GANTRY_PROMETHEUS_URL' },
  { key: 'github', name: 'sandbox GitHub', setting: 'GANTRY_GITHUB_API_URL' },
  { key: 'web', name: 'sandbox staging web', setting: 'GANTRY_SMOKE_HOST_MAP' },
  { key: 'control', name: 'sandbox control API', setting: 'GANTRY_SANDBOX_CONTROL_URL' },
  { key: 'registry', name: 'sandbox registry', setting: 'GANTRY_REGISTRY_HOST_MAP' },
  { key: 'slack', name: 'sandbox Slack Web API', setting: 'GANTRY_SLACK_API_URL' },
  { key: 'teams', name: 'sandbox Teams webhook', setting: 'GANTRY_TEAMS_WEBHOOK_SANDBOX' },
] as const satisfies ReadonlyArray<{ key: keyof SandboxPorts; name: string; setting: string }>;

const MAP_SETTINGS = new Set(['GANTRY_SMOKE_HOST_MAP', 'GANTRY_REGISTRY_HOST_MAP']);
const DEFAULT_MAP_HOST: Record<string, string> = {
  GANTRY_SMOKE_HOST_MAP: 'staging.hearloveen.example',
  GANTRY_REGISTRY_HOST_MAP: 'hearloveen.azurecr.io',
};

/** Takes `--port-base <n>` out of the arguments (the rest go to the dev host's parser). */
export function takePortBase(argv: string[]): { argv: string[]; portBase?: number } {
  const rest: string[] = [];
  let portBase: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const inline = arg.startsWith('--port-base=') ? arg.slice('--port-base='.length) : undefined;
    if (arg !== '--port-base' && inline === undefined) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535 - COMPONENTS.length)
      throw new UsageError(
        `--port-base must be a port number from 1 to ${65535 - COMPONENTS.length}, got '${value}'`,
      );
    portBase = n;
  }
  return { argv: rest, portBase };
}

/**
 * GANTRY_KUBE_SERVERS moved with the port base: a cluster at the main Kubernetes API's URL (the old
 * GANTRY_KUBE_SERVER) moves with it to `base + 1`; every other URL gets its own port from `base + 10`,
 * in the map's order (clusters sharing a URL keep sharing it).
 */
function moveKubeServers(env: NodeJS.ProcessEnv, base: number, oldMain: string | undefined): void {
  const servers = env.GANTRY_KUBE_SERVERS;
  if (!servers) return;
  const moved = new Map<string, string>();
  if (oldMain) moved.set(oldMain, `http://127.0.0.1:${base + 1}`);
  const map = JSON.parse(servers) as Record<string, string>;
  let next = base + COMPONENTS.length + 1;
  for (const url of Object.values(map)) if (!moved.has(url)) moved.set(url, `http://127.0.0.1:${next++}`);
  env.GANTRY_KUBE_SERVERS = JSON.stringify(
    Object.fromEntries(Object.entries(map).map(([cluster, url]) => [cluster, moved.get(url)])),
  );
}

/** Points every sandbox setting at `base + 1 ...` (overriding the settings) and returns the host port. */
export function applyPortBase(env: NodeJS.ProcessEnv, base: number): number {
  moveKubeServers(env, base, env.GANTRY_KUBE_SERVER);
  COMPONENTS.forEach((c, i) => {
    const url = `http://127.0.0.1:${base + 1 + i}`;
    if (!MAP_SETTINGS.has(c.setting)) env[c.setting] = `${url}${pathOf(c.setting, env[c.setting])}`;
    else {
      const current = env[c.setting] ? (JSON.parse(env[c.setting] as string) as Record<string, string>) : {};
      const hosts = Object.keys(current);
      const keys = hosts.length > 0 ? hosts : [DEFAULT_MAP_HOST[c.setting] as string];
      env[c.setting] = JSON.stringify(Object.fromEntries(keys.map((k) => [k, url])));
    }
  });
  return base;
}

/** Paths the chat stand-ins are reached at when the settings name none. */
const DEFAULT_PATH: Record<string, string> = {
  GANTRY_SLACK_API_URL: '/api/',
  GANTRY_TEAMS_WEBHOOK_SANDBOX: '/workflows/sandbox',
};

/** The path of a URL setting, kept when its port moves (`/api/` of the Slack base, a webhook's path). */
const pathOf = (setting: string, value: string | undefined): string =>
  value && URL.canParse(value) && new URL(value).pathname !== '/'
    ? new URL(value).pathname
    : (DEFAULT_PATH[setting] ?? '');

/** Port of a loopback URL setting, so the sandbox listens where the app's settings point. */
function portOf(setting: string, url: string | undefined): number | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')
    throw new UsageError(`${setting}=${url} is not a loopback URL; the sandbox only listens on loopback`);
  return Number(u.port);
}

/** The first URL of a `{host: url}` JSON setting (the sandbox stands in for all of them). */
const firstUrl = (map: string | undefined): string | undefined =>
  map ? (Object.values(JSON.parse(map) as Record<string, string>)[0] ?? undefined) : undefined;

export function sandboxPorts(env: NodeJS.ProcessEnv): SandboxPorts {
  const ports = Object.fromEntries(
    COMPONENTS.map((c) => [
      c.key,
      portOf(c.setting, MAP_SETTINGS.has(c.setting) ? firstUrl(env[c.setting]) : env[c.setting]),
    ]),
  ) as SandboxPorts;
  // Each cluster's Kubernetes API where GANTRY_KUBE_SERVERS points (the sandbox serves the clusters its
  // configuration names; other entries may share one of their URLs).
  const servers = env.GANTRY_KUBE_SERVERS;
  if (servers)
    ports.clusters = Object.fromEntries(
      Object.entries(JSON.parse(servers) as Record<string, string>).map(([cluster, url]) => [
        cluster,
        portOf('GANTRY_KUBE_SERVERS', url) as number,
      ]),
    );
  return ports;
}

/**
 * A listen error as one line naming what could not listen and how to move it, or undefined for any other
 * error. `hostPort` is the dev host's port.
 */
export function portInUseMessage(
  error: unknown,
  ports: SandboxPorts,
  hostPort: number | undefined,
): string | undefined {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') return undefined;
  const port = e.port;
  const component = COMPONENTS.find((c) => ports[c.key] === port);
  const cluster = Object.entries(ports.clusters ?? {}).find(([, p]) => p === port)?.[0];
  const what = component
    ? `the ${component.name} (setting ${component.setting})`
    : cluster !== undefined
      ? `the sandbox Kubernetes API of cluster ${cluster} (setting GANTRY_KUBE_SERVERS)`
      : port === hostPort
        ? 'the Gantry dev host (--port, or Host.LocalHttpPort in local.settings.json)'
        : 'a local component';
  const problem = e.code === 'EADDRINUSE' ? 'is already in use' : 'may not be used by this user';
  return (
    `Port ${port ?? '?'} ${problem}: ${what} cannot listen there.\n` +
    `Stop what is using it, change that setting, or move every local port together with --port-base <n> ` +
    `(npm start -- --port-base 8000: host on 8000, sandbox on 8001-8007).`
  );
}
