import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { banner, parseCli, UsageError } from '../../devhost/cli.js';
import { startTestHost } from '../../devhost/testing.js';

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
