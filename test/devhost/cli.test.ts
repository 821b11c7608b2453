import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { banner, main, parseCli, UsageError } from '../../devhost/cli.js';
import { startTestHost } from '../../devhost/testing.js';
import { fixtureApp } from './host-test-helpers.js';

describe('gantry-devhost CLI', () => {
  it('parses defaults and every option', () => {
    expect(parseCli(['start'])).toMatchObject({
      appDir: path.resolve('.'),
      store: 'table',
      clock: { mode: 'real' },
      batching: true,
    });
    const o = parseCli([
      'start',
      'app',
      '--port',
      '0',
      '--store',
      'memory',
      '--clock',
      'virtual',
      '--auto-advance',
      '--no-batching',
      '--master-key',
      'k',
      '--azurite-in-memory',
    ]);
    expect(o).toMatchObject({
      appDir: path.resolve('app'),
      port: 0,
      store: 'memory',
      autoAdvance: true,
      batching: false,
      keys: { master: 'k' },
      azuriteLocation: null,
    });
    expect(parseCli(['start', '--time-scale', '60'])).toMatchObject({ clock: { mode: 'scaled', scale: 60 } });
    expect(parseCli(['start', '--time-scale', '60', '--start-time', '2026-01-05T10:00:00Z'])).toMatchObject({
      clock: { mode: 'scaled', scale: 60, start: Date.UTC(2026, 0, 5, 10) },
    });
    expect(parseCli(['start', '--clock', 'virtual', '--start-time', '2026-01-05T10:00:00Z'])).toMatchObject({
      clock: { mode: 'virtual', start: Date.UTC(2026, 0, 5, 10) },
    });
    expect(parseCli(['--help'])).toBe('help');
  });

  it.each([
    [[], 'missing command'],
    [['run'], "unknown command 'run'"],
    [['start', 'a', 'b'], "unexpected argument 'b'"],
    [['start', '--port', 'x'], '--port must be a number'],
    [['start', '--store', 'disk'], '--store must be one of memory, table'],
    [['start', '--clock', 'virtual', '--time-scale', '2'], 'exclude each other'],
    [['start', '--auto-advance'], '--auto-advance needs --clock virtual'],
    [['start', '--start-time', '2026-01-05T10:00:00Z'], '--start-time needs --time-scale or --clock virtual'],
    [['start', '--time-scale', '2', '--start-time', 'monday'], '--start-time must be an ISO 8601 time'],
  ])('rejects %j with a usage error', (args, message) => {
    expect(() => parseCli(args)).toThrow(UsageError);
    expect(() => parseCli(args)).toThrow(message);
  });

  it('prints the URL, task hub and every function in its banner', async () => {
    const host = await startTestHost({ appDir: 'test/fixtures/apps/conformance' });
    try {
      const text = banner(
        host,
        parseCli(['start', 'test/fixtures/apps/conformance', '--store', 'memory']) as never,
      );
      expect(text).toContain(`listening on ${host.url}`);
      expect(text).toContain('ConformanceHub (memory)');
      expect(text).toMatch(
        /start\s+\[POST\] http:\/\/127\.0\.0\.1:\d+\/api\/orchestrators\/\{orchestratorName\}/,
      );
      expect(text).toMatch(/sequence\s+orchestrationTrigger/);
    } finally {
      await host.close();
    }
  });
});

describe('gantry-devhost main', () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    // main() runs the host on process.env, as the binary does: undo what it set there.
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  /** What main() writes to stdout and stderr. */
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    return { out: () => out.join(''), err: () => err.join('') };
  };

  it('prints the problem and the usage and exits 2 on a bad command line; --help prints the usage', async () => {
    const io = capture();
    await main(['start', '--store', 'disk']);
    expect(io.err()).toMatch(/^--store must be one of memory, table\n\nUsage: gantry-devhost start/);
    expect(process.exitCode).toBe(2);
    expect(io.out()).toBe('');
    process.exitCode = undefined;
    await main(['-h']);
    expect(io.out()).toMatch(/^Usage: gantry-devhost start \[appDir\] \[options\]/);
    expect(process.exitCode).toBeUndefined();
  });

  it('starts the host with its options, prints the banner and stops once on the first signal', async () => {
    const io = capture();
    let exit!: (code: number | undefined) => void;
    const exited = new Promise<number | undefined>((resolve) => (exit = resolve));
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => exit(code)) as never);
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const added = (signal: 'SIGINT' | 'SIGTERM') =>
      process.listeners(signal).filter((l) => !before[signal].includes(l));
    try {
      await main([
        'start',
        fixtureApp('conformance'),
        '--store',
        'memory',
        '--port',
        '0',
        '--clock',
        'virtual',
        '--start-time',
        '2026-01-05T10:00:00Z',
        '--auto-advance',
        '--log-level',
        'error',
      ]);
      const url = /listening on (http:\/\/\S+)/.exec(io.out())?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(io.out()).toContain('clock:     virtual');
      // --auto-advance: a week-long durable timer fires at once, with nobody moving the clock.
      const run = await fetch(`${url}/api/run/longTimer`, { method: 'POST' });
      expect(run.status).toBe(200);
      expect(await run.json()).toBe('2026-01-12T10:00:00.000Z');

      const [onTerm] = added('SIGTERM');
      const [onInt] = added('SIGINT');
      onTerm?.('SIGTERM');
      onInt?.('SIGINT');
      expect(await exited).toBe(0);
      expect(io.out()).toContain('SIGTERM: stopping...');
      expect(io.out()).not.toContain('SIGINT');
      await expect(fetch(`${url}/api/ping`)).rejects.toThrow();
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        for (const listener of added(signal)) process.off(signal, listener);
    }
  });
});
