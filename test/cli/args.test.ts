import { describe, expect, it } from 'vitest';
import {
  closest,
  durationFlag,
  intFlag,
  parseCommandLine,
  parseDuration,
  positionals,
  type FlagValues,
  type ParsedCommandLine,
} from '../../cli/args.js';
import { findCommand, GLOBAL_FLAGS } from '../../cli/commands/index.js';
import { CliError } from '../../cli/errors.js';

const parse = (argv: string[]): ParsedCommandLine =>
  parseCommandLine(argv, GLOBAL_FLAGS, (name) => findCommand(name)?.flags);

describe('parseCommandLine', () => {
  it.each<[string[], Partial<ParsedCommandLine>]>([
    [['status', 'x'], { command: 'status', positionals: ['x'], flags: {} }],
    [['--url', 'http://h:1', 'status', 'x'], { command: 'status', flags: { url: 'http://h:1' } }],
    [['status', 'x', '--json'], { positionals: ['x'], flags: { json: true } }],
    [['status', '--json', 'x'], { positionals: ['x'], flags: { json: true } }],
    [['reject', 'x', '-m', 'too slow'], { flags: { message: 'too slow' } }],
    [['reject', 'x', '-mtoo'], { flags: { message: 'too' } }],
    [['reject', 'x', '-m=too'], { flags: { message: 'too' } }],
    [['reject', 'x', '--message=a=b'], { flags: { message: 'a=b' } }],
    [['reject', 'x', '--message='], { flags: { message: '' } }],
    [['reject', 'x', '-m', '-1 for now'], { flags: { message: '-1 for now' } }],
    [['reject', 'x', '--', '-m', '--json'], { positionals: ['x', '-m', '--json'], flags: {} }],
    [['list', '-'], { positionals: ['-'] }],
    [['list', '-n', '5', '--all'], { flags: { limit: '5', all: true } }],
    [['-h'], { positionals: [], flags: { help: true } }],
    [['watch', 'x', '-i', '1s', '--timeout', '2m'], { flags: { interval: '1s', timeout: '2m' } }],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toMatchObject(expected);
  });

  it.each<[string[], RegExp]>([
    [['status', 'x', '--bogus'], /Unknown flag --bogus for 'status'/],
    [['status', 'x', '--bogus=1'], /Unknown flag --bogus for 'status'/],
    [['--message', 'x', 'reject', 'y'], /Unknown flag --message\./],
    [['list', '-m', 'x'], /Unknown flag -m for 'list'/],
    [['reject', 'x', '-m'], /--message \(-m\) needs a value <text>/],
    [['reject', 'x', '-m', '--json'], /--message \(-m\) needs a value/],
    [['status', 'x', '--json=yes'], /--json takes no value/],
    [['status', 'x', '--json', '--json'], /--json is given more than once/],
    [['reject', 'x', '-m', 'a', '-m', 'b'], /--message \(-m\) is given more than once/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
    expect(() => parse(argv)).toThrow(CliError);
  });

  it('asks the caller about the command word once it is seen', () => {
    const seen: string[] = [];
    parseCommandLine(['--json', 'one', 'two'], GLOBAL_FLAGS, (name) => {
      seen.push(name);
      return [];
    });
    expect(seen).toEqual(['one']);
  });
});

describe('flag values', () => {
  it.each<[string | undefined, number | undefined | RegExp]>([
    [undefined, undefined],
    ['1', 1],
    ['200', 200],
    ['0', /from 1 to 200 \(got '0'\)/],
    ['201', /from 1 to 200/],
    ['1.5', /whole number/],
    ['ten', /whole number/],
    ['-3', /whole number/],
  ])('--limit %s', (raw, expected) => {
    const flags: FlagValues = raw === undefined ? {} : { limit: raw };
    if (expected instanceof RegExp) expect(() => intFlag(flags, 'limit', 1, 200)).toThrow(expected);
    else expect(intFlag(flags, 'limit', 1, 200)).toBe(expected);
  });

  it.each<[string, number | undefined]>([
    ['500ms', 500],
    ['2', 2000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 3s ', 3000],
    ['5 m', undefined],
    ['m', undefined],
    ['1y', undefined],
    ['', undefined],
  ])('duration %j', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });

  it('rejects a zero or unreadable duration flag naming the flag', () => {
    expect(durationFlag({ interval: '250ms' }, 'interval')).toBe(250);
    expect(() => durationFlag({ interval: '0s' }, 'interval')).toThrow(/--interval must be a duration/);
    expect(() => durationFlag({ timeout: 'soon' }, 'timeout')).toThrow(/--timeout .*'soon'/);
  });
});

describe('positionals', () => {
  it.each<[string[], string[], string[], Record<string, string | undefined> | RegExp]>([
    [['a'], ['id'], [], { id: 'a' }],
    [['a', 'b'], ['service', 'image'], [], { service: 'a', image: 'b' }],
    [['a'], ['service'], ['extra'], { service: 'a', extra: undefined }],
    [[], ['id'], [], /'cmd' needs <id>/],
    [['a'], ['service', 'image'], [], /'cmd' needs <image>/],
    [['a', 'b'], ['id'], [], /takes 1 argument\(s\); got 'a b'/],
  ])('%j against %j', (values, names, optional, expected) => {
    if (expected instanceof RegExp)
      expect(() => positionals('cmd', values, names, optional)).toThrow(expected);
    else expect(positionals('cmd', values, names, optional)).toEqual(expected);
  });
});

describe('closest', () => {
  const commands = ['status', 'list', 'watch', 'approve', 'reject', 'releases', 'rollback'];
  it.each<[string, string | undefined]>([
    ['stauts', 'status'],
    ['lst', 'list'],
    ['aprove', 'approve'],
    ['release', 'releases'],
    ['deploy', undefined],
    ['x', undefined],
  ])('%s -> %s', (word, guess) => {
    expect(closest(word, commands)).toBe(guess);
  });
});
