import { describe, expect, it } from 'vitest';
import {
  colourWanted,
  makeStyle,
  stateStyle,
  stripAnsi,
  verdictStyle,
  visibleWidth,
} from '../../cli/style.js';

describe('colourWanted', () => {
  it.each<[boolean, Record<string, string>, boolean, boolean]>([
    [true, {}, false, true],
    [false, {}, false, false],
    [true, { NO_COLOR: '1' }, false, false],
    [true, { NO_COLOR: '' }, false, true],
    [true, { TERM: 'dumb' }, false, false],
    [true, { TERM: 'xterm-256color' }, false, true],
    [true, {}, true, false],
  ])('tty=%s env=%j --no-color=%s -> %s', (tty, env, flag, expected) => {
    expect(colourWanted(tty, env, flag)).toBe(expected);
  });
});

describe('styles', () => {
  const on = makeStyle(true);
  const off = makeStyle(false);

  it.each<[string, string]>([
    ['Succeeded', '32'],
    ['Failed', '31'],
    ['RolledBack', '31'],
    ['Cancelled', '2'],
    ['Superseded', '2'],
    ['AwaitingApproval', '33'],
    ['Canary', '36'],
  ])('state %s is drawn with SGR %s', (state, sgr) => {
    expect(stateStyle(on, state)).toBe(`\x1b[${sgr}m${state}\x1b[${sgr === '2' ? '22' : '39'}m`);
    expect(stateStyle(off, state)).toBe(state);
  });

  it.each<[string | undefined, string]>([
    ['pass', '\x1b[32mpass\x1b[39m'],
    ['fail', '\x1b[31mfail\x1b[39m'],
    ['inconclusive', '\x1b[33minconclusive\x1b[39m'],
    [undefined, ''],
  ])('verdict %s', (verdict, expected) => {
    expect(verdictStyle(on, verdict)).toBe(expected);
  });

  it('leaves empty strings alone and measures what shows', () => {
    expect(on.bold('')).toBe('');
    expect(visibleWidth(on.red('héllo'))).toBe(5);
    expect(stripAnsi('\x1b[?25l\x1b[2Kx')).toBe('x');
  });
});
