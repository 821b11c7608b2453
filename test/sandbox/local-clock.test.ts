import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import {
  CLOCK_SAVE_MS,
  clockFile,
  clockSuffix,
  isolateClock,
  keepClock,
  resumeClock,
} from '../../sandbox/local-clock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'local-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('isolateClock', () => {
  it.each([
    [{ mode: 'real' } as const, 'GantryLocal', 'Gantry'],
    [{ mode: 'scaled', scale: 60 } as const, 'GantryLocalScaled', 'GantryScaled'],
    [{ mode: 'virtual', start: 0 } as const, 'GantryLocalVirtual', 'GantryVirtual'],
  ])('%j runs in task hub %s and tables %s*', (spec, hub, prefix) => {
    const env: NodeJS.ProcessEnv = { TASKHUB_NAME: 'GantryLocal', GANTRY_TABLE_PREFIX: 'Gantry' };
    isolateClock(env, spec);
    expect(env.TASKHUB_NAME).toBe(hub);
    expect(env.GANTRY_TABLE_PREFIX).toBe(prefix);
    expect(clockSuffix(spec)).toBe(hub.slice('GantryLocal'.length));
  });
});

describe('resumeClock and keepClock', () => {
  it('starts fresh without a saved reading, and the real clock never resumes', () => {
    const file = clockFile(dir, { mode: 'scaled', scale: 60 });
    expect(resumeClock({ mode: 'scaled', scale: 60, start: 5 }, file)).toEqual({
      spec: { mode: 'scaled', scale: 60, start: 5 },
    });
    writeFileSync(path.join(dir, 'clock-real.json'), JSON.stringify({ now: 1 }));
    expect(resumeClock({ mode: 'real' }, path.join(dir, 'clock-real.json'))).toEqual({
      spec: { mode: 'real' },
    });
  });

  it('continues a scaled clock past what it can have run unsaved, over --start-time', () => {
    const file = clockFile(dir, { mode: 'scaled', scale: 300 });
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
    keepClock(clock, file).stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ now: Date.UTC(2026, 0, 5, 12) });
    const resumed = resumeClock({ mode: 'scaled', scale: 300, start: Date.UTC(2026, 0, 5, 10) }, file);
    expect(resumed.resumedAt).toBe(Date.UTC(2026, 0, 5, 12) + CLOCK_SAVE_MS * 300);
    expect(resumed.spec).toEqual({ mode: 'scaled', scale: 300, start: resumed.resumedAt });
  });

  it('continues a virtual clock at its saved reading, saved again when stopped', () => {
    const file = clockFile(dir, { mode: 'virtual' });
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 3));
    const kept = keepClock(clock, file);
    clock.advance(3_600_000);
    kept.stop();
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(resumeClock({ mode: 'virtual', start: 0 }, file).resumedAt).toBe(Date.UTC(2026, 0, 5, 4));
  });
});
