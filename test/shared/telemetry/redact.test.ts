import { describe, expect, it } from 'vitest';
import {
  describeError,
  isSensitiveKey,
  redactAttributes,
  redactText,
  Redactor,
  REDACTED,
} from '../../../shared/telemetry/redact.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJnYW50cnkiLCJhdWQiOiJhcmdvY2QifQ.c2lnbmF0dXJlLWJ5dGVz';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONFIGURED = 'sandbox-argocd-token';

describe('isSensitiveKey', () => {
  it.each([
    ['authorization', true],
    ['http.request.header.authorization', true],
    ['Proxy-Authorization', true],
    ['x-acr-key', true],
    ['x-hub-signature-256', true],
    ['apiKey', true],
    ['api_key', true],
    ['connectionString', true],
    ['AzureWebJobsStorage.connection_string', true],
    ['AccountKey', true],
    ['client_secret', true],
    ['GANTRY_ARGOCD_TOKEN', true],
    ['password', true],
    ['cookie', true],
    ['credentials', true],
    // Identifiers of secrets are not secrets.
    ['gantry.secret_name', false],
    ['tokenId', false],
    ['SharedAccessKeyName', false],
    ['gantry.error.code', false],
    // Words that merely contain a sensitive word.
    ['monkey', false],
    ['tokenizer.mode', false],
    ['gantry.deployment.id', false],
    ['gantry.service', false],
    ['url.full', false],
    ['', false],
  ])('%j → %s', (key, sensitive) => {
    expect(isSensitiveKey(key)).toBe(sensitive);
  });
});

describe('redactText', () => {
  it.each([
    ['a bearer token', `request failed: Bearer ${JWT}`, `request failed: Bearer ${REDACTED}`],
    ['an Authorization header line', 'Authorization: Bearer abc.def-123', `Authorization: ${REDACTED}`],
    [
      'an Authorization header in JSON',
      '{"authorization":"Basic dXNlcjpwYXNz"}',
      `{"authorization":"${REDACTED}"}`,
    ],
    ['an ACR webhook key header', 'x-acr-key: 0123456789abcdef', `x-acr-key: ${REDACTED}`],
    [
      'a GitHub signature header',
      'X-Hub-Signature-256=sha256=abcdef012345',
      `X-Hub-Signature-256=${REDACTED}`,
    ],
    ['a bare JWT', `token is ${JWT} ok`, `token is ${REDACTED} ok`],
    [
      'a storage connection string',
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};TableEndpoint=x`,
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${REDACTED};TableEndpoint=x`,
    ],
    [
      'a Service Bus connection string',
      'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k3y/val+ue=',
      `Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${REDACTED}`,
    ],
    [
      'an App Insights connection string',
      'InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=https://x/',
      `InstrumentationKey=${REDACTED};IngestionEndpoint=https://x/`,
    ],
    [
      'a SAS URL',
      'https://st.blob.core.windows.net/c/b?sv=2024-01-01&se=2026&sp=r&sig=abc%2Bdef%3D',
      `https://st.blob.core.windows.net/c/b?sv=2024-01-01&se=2026&sp=r&sig=${REDACTED}`,
    ],
    [
      'a function key in a URL',
      'POST /runtime/webhooks/eventgrid?functionName=acr&code=abcDEF123==',
      `POST /runtime/webhooks/eventgrid?functionName=acr&code=${REDACTED}`,
    ],
    [
      'an OAuth token in a query',
      '/cb?access_token=ya29.a0AfH6&state=1',
      `/cb?access_token=${REDACTED}&state=1`,
    ],
    ['a GitHub token', 'token ghp_0123456789abcdefghijABCDEFGHIJ012345', `token ${REDACTED}`],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', REDACTED],
    [
      'a PEM private key',
      'key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end',
      `key: ${REDACTED} end`,
    ],
    ['a truncated PEM private key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', REDACTED],
    [
      'a password in a URL',
      'connect https://admin:s3cr3t@argocd.example.com/api',
      `connect https://admin:${REDACTED}@argocd.example.com/api`,
    ],
    [
      'a configured secret anywhere',
      `argo said: invalid token ${CONFIGURED}.`,
      `argo said: invalid token ${REDACTED}.`,
    ],
    ['a configured secret inside a word', `x${CONFIGURED}y`, `x${REDACTED}y`],
  ])('redacts %s', (_, input, expected) => {
    expect(redactText(input, [CONFIGURED])).toBe(expected);
  });

  it.each([
    ['ordinary text', 'deploy api-gateway-prod to 10% (sync Succeeded)'],
    ['prose after an auth scheme', 'Basic authentication is disabled'],
    ['a deployment id and a digest', 'apigateway-0123456789ab sha256:0123456789abcdef'],
    ['a PromQL query', 'sum(rate(http_requests_total{code=~"5.."}[1m]))'],
    ['a short configured secret (would blank out words)', 'the cat sat'],
  ])('leaves %s alone', (_, input) => {
    expect(redactText(input, [CONFIGURED, 'cat'])).toBe(input);
  });

  it('prefers the longest configured secret when one contains another', () => {
    expect(redactText('abcd-efgh', ['abcd', 'abcd-efgh'])).toBe(REDACTED);
  });

  it('escapes configured secrets used as patterns', () => {
    expect(redactText('a.b*c+d and aXbbbcd', ['a.b*c+d'])).toBe(`${REDACTED} and aXbbbcd`);
  });

  it('redacts by the secrets of each call when calls alternate between lists (compiled once per list)', () => {
    for (let i = 0; i < 3; i++) {
      expect(redactText('one alpha1 beta22', ['alpha1'])).toBe(`one ${REDACTED} beta22`);
      expect(redactText('one alpha1 beta22', ['beta22'])).toBe(`one alpha1 ${REDACTED}`);
      expect(redactText('one alpha1 beta22 alpha1', ['alpha1', 'beta22'])).toBe(
        `one ${REDACTED} ${REDACTED} ${REDACTED}`,
      );
      expect(redactText('one alpha1', [])).toBe('one alpha1');
    }
  });
});

describe('redactAttributes', () => {
  it('blanks secret-named keys whatever the value, redacts strings, drops undefined', () => {
    const out = redactAttributes(
      {
        authorization: 'anything',
        'x-acr-key': 12345,
        'gantry.deployment.id': 'web-0123456789ab',
        'gantry.secret_name': 'argocd-token',
        'url.full': `https://h/x?sig=abc123`,
        'exception.message': `401 from Argo CD with ${CONFIGURED}`,
        'http.response.header.www-authenticate': ['Bearer realm="argo"', `Bearer ${JWT}`],
        'gantry.weight': 10,
        'gantry.canary': true,
        'gantry.absent': undefined,
        'gantry.nothing': null,
        'gantry.detail': { header: `Bearer ${JWT}` },
      },
      [CONFIGURED],
    );
    expect(out).toEqual({
      authorization: REDACTED,
      'x-acr-key': REDACTED,
      'gantry.deployment.id': 'web-0123456789ab',
      'gantry.secret_name': 'argocd-token',
      'url.full': `https://h/x?sig=${REDACTED}`,
      'exception.message': `401 from Argo CD with ${REDACTED}`,
      'http.response.header.www-authenticate': ['Bearer realm="argo"', `Bearer ${REDACTED}`],
      'gantry.weight': 10,
      'gantry.canary': true,
      'gantry.detail': `{"header":"Bearer ${REDACTED}"}`,
    });
  });
});

describe('describeError', () => {
  class CodedError extends Error {
    constructor(
      readonly code: unknown,
      message: string,
    ) {
      super(message);
      this.name = 'CodedError';
    }
  }

  it.each([
    [
      'a coded error',
      new CodedError('argocd-unauthorized', 'Argo CD said 401'),
      'argocd-unauthorized',
      'CodedError',
    ],
    [
      'a Node system error',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      'ECONNRESET',
      'Error',
    ],
    ['an error without a code', new Error('boom'), 'unexpected', 'Error'],
    ['a numeric code', new CodedError(401, 'x'), 'unexpected', 'CodedError'],
    ['a code that is not a label', new CodedError('a b; DROP', 'x'), 'unexpected', 'CodedError'],
    ['a thrown string', 'just text', 'unexpected', 'string'],
    ['null', null, 'unexpected', 'object'],
  ])('%s', (_, error, code, type) => {
    const summary = describeError(error);
    expect(summary.code).toBe(code);
    expect(summary.type).toBe(type);
  });

  it('redacts and bounds the message', () => {
    const summary = describeError(new Error(`Bearer ${JWT} ${'x'.repeat(5_000)} ${CONFIGURED}`), [
      CONFIGURED,
    ]);
    expect(summary.message).not.toContain(JWT);
    expect(summary.message.startsWith(`Bearer ${REDACTED}`)).toBe(true);
    expect(summary.message.length).toBe(1_000);
  });
});

describe('Redactor', () => {
  it('remembers secrets added later, ignoring ones too short to search for', () => {
    const redactor = new Redactor(['initial-secret']);
    redactor.remember('abc');
    redactor.remember('fetched-from-key-vault');
    expect(redactor.secrets).toEqual(['initial-secret', 'fetched-from-key-vault']);
    expect(redactor.text('initial-secret / fetched-from-key-vault / abc')).toBe(
      `${REDACTED} / ${REDACTED} / abc`,
    );
    expect(redactor.attributes({ m: 'fetched-from-key-vault' })).toEqual({ m: REDACTED });
    expect(redactor.error(new Error('initial-secret')).message).toBe(REDACTED);
  });
});
