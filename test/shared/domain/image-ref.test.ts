import { describe, expect, it } from 'vitest';
import {
  deploymentIdFor,
  formatImageRef,
  ImageRefError,
  parseImageRef,
  type ImageReference,
} from '../../../shared/domain/image-ref.js';

const SHA256 = 'sha256:' + 'abcdef0123456789'.repeat(4);
const SHA512 = 'sha512:' + '0123456789abcdef'.repeat(8);

describe('parseImageRef: valid references', () => {
  it.each<[string, ImageReference]>([
    ['hearloveen.azurecr.io/api-gateway', { registry: 'hearloveen.azurecr.io', repository: 'api-gateway' }],
    [
      'hearloveen.azurecr.io/api-gateway:1.2.3',
      { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', tag: '1.2.3' },
    ],
    [
      `hearloveen.azurecr.io/team/api-gateway@${SHA256}`,
      { registry: 'hearloveen.azurecr.io', repository: 'team/api-gateway', digest: SHA256 },
    ],
    [
      `hearloveen.azurecr.io/api-gateway:v2@${SHA512}`,
      { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', tag: 'v2', digest: SHA512 },
    ],
    ['localhost:5000/a/b:latest', { registry: 'localhost:5000', repository: 'a/b', tag: 'latest' }],
    ['localhost/a', { registry: 'localhost', repository: 'a' }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
    [
      'Registry.Example.com:443/a__b/c.d-e:TAG_1.0-x',
      { registry: 'Registry.Example.com:443', repository: 'a__b/c.d-e', tag: 'TAG_1.0-x' },
    ],
    ['r.io/a---b', { registry: 'r.io', repository: 'a---b' }],
    ['r.io/a:_', { registry: 'r.io', repository: 'a', tag: '_' }],
    [`r.io/a:${'x'.repeat(128)}`, { registry: 'r.io', repository: 'a', tag: 'x'.repeat(128) }],
  ])('%s', (input, expected) => {
    const parsed = parseImageRef(input);
    expect(parsed).toEqual(expected);
    expect(formatImageRef(parsed)).toBe(input);
  });

  it('accepts a name of exactly 255 characters and refuses 256', () => {
    const repo = (n: number) => 'a'.repeat(n - 'r.io/'.length);
    expect(parseImageRef(`r.io/${repo(255)}`).repository).toHaveLength(250);
    expect(() => parseImageRef(`r.io/${repo(256)}`)).toThrow(/longer than 255/);
  });
});

describe('parseImageRef: hostile and malformed input', () => {
  it.each([
    ['', /empty/],
    ['api-gateway', /registry host is required/],
    ['api-gateway:1.0', /registry host is required/],
    ['library/nginx', /registry host is required/],
    ['r.io/../etc/passwd', /repository must be/],
    ['r.io/a/../b', /repository must be/],
    ['r.io/./a', /repository must be/],
    ['r.io/a b', /repository must be/],
    ['r.io/Api', /repository must be/],
    ['r.io/a#b', /repository must be/],
    ['r.io/a"b', /repository must be/],
    ["r.io/a'b", /repository must be/],
    ['r.io/a;rm -rf /', /repository must be/],
    ['r.io/a$(id)', /repository must be/],
    ['r.io/a\n', /repository must be/],
    ['r.io/ä', /repository must be/],
    ['r.io/a/', /repository must be/],
    ['r.io//a', /repository must be/],
    ['r.io/a.', /repository must be/],
    ['r.io/_a', /repository must be/],
    ['r.io/a-', /repository must be/],
    ['r.io/a:', /tag must match/],
    ['r.io/a:tag with space', /tag must match/],
    ['r.io/a:.tag', /tag must match/],
    ['r.io/a:-tag', /tag must match/],
    [`r.io/a:${'x'.repeat(129)}`, /tag must match/],
    ['r.io/a@', /digest must be/],
    ['r.io/a@sha256:abc', /digest must be/],
    [`r.io/a@${SHA256.toUpperCase()}`, /digest must be/],
    [`r.io/a@md5:${'a'.repeat(32)}`, /digest must be/],
    [`r.io/a@@${SHA256}`, /digest must be/],
    [`r.io/a@${SHA256}@${SHA256}`, /digest must be/],
    ['http://r.io/a', /registry host is required|not a valid registry/],
    ['-r.io/a', /not a valid registry/],
    ['r.io:99999/a', /not a valid registry/],
    ['r.io:/a', /not a valid registry/],
    ['r_io.com/a', /not a valid registry/],
    [`r.io/${'a/'.repeat(300)}a`, /longer than 512/],
  ])('%j', (input, message) => {
    const attempt = () => parseImageRef(input);
    expect(attempt).toThrow(ImageRefError);
    expect(attempt).toThrow(message);
  });

  it('carries a stable code', () => {
    expect(() => parseImageRef('nope')).toThrow(expect.objectContaining({ code: 'image-ref-invalid' }));
  });

  it('rejects pathological inputs quickly (no regex backtracking)', () => {
    const started = performance.now();
    for (const input of [`r.io/${'a-'.repeat(120)}!`, `r.io/${'a'.repeat(240)}_`, `${'a.'.repeat(120)}/x`]) {
      expect(() => parseImageRef(input)).toThrow(ImageRefError);
    }
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('deploymentIdFor', () => {
  it.each([
    ['ApiGateway', SHA256, 'apigateway-abcdef012345'],
    ['IoTService', SHA512, 'iotservice-0123456789ab'],
    ['a', SHA256, 'a-abcdef012345'],
  ])('%s + digest → %s', (service, digest, id) => {
    expect(deploymentIdFor(service, digest)).toBe(id);
  });

  it.each([
    ['api gateway', SHA256],
    ['../x', SHA256],
    ['1api', SHA256],
    ['a'.repeat(64), SHA256],
    ['ApiGateway', 'sha256:short'],
    ['ApiGateway', 'abcdef012345'],
  ])('refuses %j / %j', (service, digest) => {
    expect(() => deploymentIdFor(service, digest)).toThrow(ImageRefError);
  });
});
