import { describe, expect, it } from 'vitest';
import { authorize, presentedKey, requirementFor, type AuthRequirement } from '../../../devhost/http/auth.js';
import type { HostRequest } from '../../../devhost/http/types.js';

const request = (query = '', headers: Record<string, string> = {}): HostRequest => {
  const url = new URL(`http://h/x${query}`);
  return { method: 'GET', url, origin: url.origin, headers, body: Buffer.alloc(0) };
};
const keys = { master: 'M', host: ['H'], functions: { Fn: ['F'] }, system: { eventgrid_extension: 'S' } };

describe('authorize', () => {
  it.each<[AuthRequirement, string, boolean]>([
    [{ level: 'anonymous' }, '', true],
    [{ level: 'function', functionName: 'fn' }, 'F', true],
    [{ level: 'function', functionName: 'fn' }, 'H', true],
    [{ level: 'function', functionName: 'fn' }, 'M', true],
    [{ level: 'function', functionName: 'other' }, 'F', false],
    [{ level: 'function', functionName: 'fn' }, '', false],
    [{ level: 'admin' }, 'H', false],
    [{ level: 'admin' }, 'M', true],
    [{ level: 'system', systemKeyName: 'eventgrid_extension' }, 'S', true],
    [{ level: 'system', systemKeyName: 'eventgrid_extension' }, 'H', false],
    [{ level: 'system', systemKeyName: 'durabletask_extension' }, 'M', true],
  ])('%j with key "%s" → %s', (requirement, key, allowed) => {
    const result = authorize(keys, requirement, request(key ? `?code=${key}` : ''));
    expect(result === undefined).toBe(allowed);
    if (result) expect(result.status).toBe(401);
  });

  it('enforces nothing without keys, and never accepts an empty configured key', () => {
    expect(authorize(undefined, { level: 'admin' }, request())).toBeUndefined();
    expect(authorize({ master: '' }, { level: 'admin' }, request('?code='))?.status).toBe(401);
  });
});

describe('presentedKey / requirementFor', () => {
  it('prefers the x-functions-key header over the code query', () => {
    expect(presentedKey(request('?code=q', { 'x-functions-key': 'h' }))).toBe('h');
    expect(presentedKey(request('?code=q'))).toBe('q');
    expect(presentedKey(request())).toBeUndefined();
  });

  it('maps binding auth levels, defaulting to function like the host', () => {
    expect(requirementFor('Anonymous', 'f')).toEqual({ level: 'anonymous' });
    expect(requirementFor('ADMIN', 'f')).toEqual({ level: 'admin' });
    expect(requirementFor(undefined, 'f')).toEqual({ level: 'function', functionName: 'f' });
  });
});
