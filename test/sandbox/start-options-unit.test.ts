import { describe, expect, it } from 'vitest';
import { UsageError } from '../../devhost/cli.js';
import { applyPortBase, portInUseMessage, sandboxPorts, takePortBase } from '../../sandbox/start-options.js';

describe('takePortBase', () => {
  it.each([
    [['--port-base', '8000', '--time-scale', '60'], 8000, ['--time-scale', '60']],
    [['--port-base=9000'], 9000, []],
    [['--port', '1'], undefined, ['--port', '1']],
  ])('%j', (argv, base, rest) => {
    expect(takePortBase(argv)).toEqual({ argv: rest, portBase: base });
  });

  it.each([['x'], ['0'], ['65530'], [undefined]])('refuses --port-base %s', (value) => {
    expect(() => takePortBase(value === undefined ? ['--port-base'] : ['--port-base', value])).toThrow(
      UsageError,
    );
  });
});

describe('applyPortBase', () => {
  it('moves every setting, keeping the host names of the maps', () => {
    const env: NodeJS.ProcessEnv = {
      GANTRY_KUBE_SERVER: 'http://127.0.0.1:7080',
      GANTRY_SMOKE_HOST_MAP: JSON.stringify({ 'web.example': 'http://127.0.0.1:7084' }),
      GANTRY_SLACK_API_URL: 'http://127.0.0.1:7087/slack/api/',
    };
    expect(applyPortBase(env, 8000)).toBe(8000);
    // A URL setting's path stays (the Slack API base); an unset one gets the stand-in's.
    expect(env.GANTRY_SLACK_API_URL).toBe('http://127.0.0.1:8008/slack/api/');
    expect(env.GANTRY_TEAMS_WEBHOOK_SANDBOX).toBe('http://127.0.0.1:8009/workflows/sandbox');
    expect(env.GANTRY_KUBE_SERVER).toBe('http://127.0.0.1:8001');
    expect(JSON.parse(env.GANTRY_SMOKE_HOST_MAP ?? '')).toEqual({ 'web.example': 'http://127.0.0.1:8005' });
    expect(JSON.parse(env.GANTRY_REGISTRY_HOST_MAP ?? '')).toEqual({
      'hearloveen.azurecr.io': 'http://127.0.0.1:8007',
    });
    expect(sandboxPorts(env)).toEqual({
      kubernetes: 8001,
      argocd: 8002,
      prometheus: 8003,
      github: 8004,
      web: 8005,
      control: 8006,
      registry: 8007,
      slack: 8008,
      teams: 8009,
    });
  });

  it('moves GANTRY_KUBE_SERVERS: the main API with GANTRY_KUBE_SERVER, further clusters from n+10', () => {
    const env: NodeJS.ProcessEnv = {
      GANTRY_KUBE_SERVER: 'http://127.0.0.1:7080',
      GANTRY_KUBE_SERVERS: JSON.stringify({
        'hearloveen-aks-prod': 'http://127.0.0.1:7080',
        'sandbox-aks': 'http://127.0.0.1:7080',
        'hearloveen-aks-eun': 'http://127.0.0.1:7089',
        'hearloveen-aks-sec': 'http://127.0.0.1:7090',
      }),
    };
    applyPortBase(env, 8000);
    expect(JSON.parse(env.GANTRY_KUBE_SERVERS ?? '')).toEqual({
      'hearloveen-aks-prod': 'http://127.0.0.1:8001',
      'sandbox-aks': 'http://127.0.0.1:8001',
      'hearloveen-aks-eun': 'http://127.0.0.1:8010',
      'hearloveen-aks-sec': 'http://127.0.0.1:8011',
    });
    expect(sandboxPorts(env).clusters).toEqual({
      'hearloveen-aks-prod': 8001,
      'sandbox-aks': 8001,
      'hearloveen-aks-eun': 8010,
      'hearloveen-aks-sec': 8011,
    });
  });

  it('refuses a sandbox URL that is not loopback, naming the setting', () => {
    expect(() => sandboxPorts({ GANTRY_ARGOCD_URL: 'https://argocd.example.com' })).toThrow(
      /GANTRY_ARGOCD_URL/,
    );
  });
});

describe('portInUseMessage', () => {
  const inUse = (port: number) => Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port });
  it('names the cluster whose Kubernetes API cannot listen, and GANTRY_KUBE_SERVERS', () => {
    expect(portInUseMessage(inUse(7089), { kubernetes: 7080, clusters: { eun: 7089 } }, 7071)).toMatch(
      /^Port 7089 is already in use: the sandbox Kubernetes API of cluster eun \(setting GANTRY_KUBE_SERVERS\)/,
    );
  });
  it('names the component, its setting and --port-base', () => {
    expect(portInUseMessage(inUse(7082), { prometheus: 7082 }, 7071)).toMatch(
      /^Port 7082 is already in use: the sandbox Prometheus \(setting GANTRY_PROMETHEUS_URL\)[\s\S]*--port-base/,
    );
    expect(portInUseMessage(inUse(7071), {}, 7071)).toContain('the Gantry dev host (--port');
  });
  it('leaves other errors alone', () => {
    expect(portInUseMessage(new Error('boom'), {}, 7071)).toBeUndefined();
  });
});
