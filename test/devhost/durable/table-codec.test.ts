import { describe, expect, it } from 'vitest';
import {
  decodeHistory,
  escapeKey,
  historyRows,
  inboxRowKey,
  prefixEnd,
  rowToInstance,
  splitText,
  unescapeKey,
  type Row,
} from '../../../devhost/durable/table-codec.js';
import { EventType } from '../../../devhost/durable/types.js';
import { event } from './store-fixtures.js';

/** Characters Table Storage rejects in keys. */
const hasForbidden = (key: string): boolean =>
  [...key].some((c) => {
    const code = c.charCodeAt(0);
    return '/\\#?'.includes(c) || code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });

describe('key escaping', () => {
  const samples = [
    'plain',
    'a/b\\c#d?e',
    '%2F',
    '100%',
    'x|y',
    'ctl\u0000\u001f\u007f\u009f',
    'ünï😀日本',
    '',
  ];

  it('is reversible and leaves no forbidden character', () => {
    expect(hasForbidden('a/b')).toBe(true);
    for (const sample of samples) {
      const key = escapeKey(sample);
      expect(hasForbidden(key)).toBe(false);
      expect(unescapeKey(key)).toBe(sample);
    }
    expect(escapeKey('a/b')).toBe('a%2Fb');
    expect(escapeKey('%2F')).toBe('%252F');
  });

  it('preserves prefixes, so a prefix scan on escaped keys finds exactly the prefixed ids', () => {
    const ids = ['a/b', 'a/b#1', 'a/c', 'a%', 'a', 'b'];
    const prefix = escapeKey('a/b');
    const found = ids.filter((id) => {
      const key = escapeKey(id);
      return key >= prefix && key < prefixEnd(prefix);
    });
    expect(found).toEqual(['a/b', 'a/b#1']);
  });

  it('rejects keys over the Table Storage limit', () => {
    expect(() => inboxRowKey('m'.repeat(600))).toThrow(/too long/);
  });
});

describe('splitText', () => {
  it('never cuts a surrogate pair and joins back to the original', () => {
    const text = 'a' + '😀'.repeat(20);
    const parts = splitText(text, 4);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4);
      const last = part.charCodeAt(part.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
    expect(splitText('')).toEqual(['']);
  });
});

describe('history groups', () => {
  const events = Array.from({ length: 40 }, (_, n) =>
    event(EventType.TaskScheduled, { EventId: n, Input: 'x' }),
  );

  it('spreads a long group over rows and reassembles it', () => {
    // 40 x 10,000 chars is more than one row's 10 parts of 30,000 chars.
    const large = events.map((e) => ({ ...e, Input: 'x'.repeat(10_000) }));
    const rows = historyRows('i', 'e', 0, large);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ Count: 40, Rows: 2, DN: 10 });
    expect(rows[1]?.rowKey).toBe('H|e|0000000000|0001');
    expect(decodeHistory(rows, 40)).toEqual(large);
  });

  it('ignores rows past the committed length and stops at a gap', () => {
    const first = historyRows('i', 'e', 0, events.slice(0, 2));
    const orphan = historyRows('i', 'e', 2, events.slice(2, 5));
    const afterGap = historyRows('i', 'e', 9, events.slice(9, 10));
    expect(decodeHistory([...first, ...orphan], 2)).toEqual(events.slice(0, 2));
    expect(decodeHistory([...first, ...orphan, ...afterGap], Infinity)).toEqual(events.slice(0, 5));
  });

  it('reports a damaged group instead of returning a short history', () => {
    const [row] = historyRows('i', 'e', 0, events.slice(0, 2));
    const missing: Row = { ...row!, Rows: 2 };
    expect(() => decodeHistory([missing], 2)).toThrow(/missing row 1/);
    const wrongCount: Row = { ...row!, Count: 3 };
    expect(() => decodeHistory([wrongCount], 3)).toThrow(/wrong event count/);
  });

  it('rejects an instance row without state', () => {
    expect(() => rowToInstance({ partitionKey: 'p', rowKey: 'I' })).toThrow(/without state/);
  });
});
