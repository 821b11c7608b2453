import { describe, expect, it } from 'vitest';
import { buildCheckStatusPayload, buildClientData } from '../../../devhost/durable/client-data.js';

describe('buildClientData', () => {
  it('builds the contract 4.1 JSON with the system key', () => {
    const data = buildClientData({
      origin: 'http://localhost:7071/',
      taskHubName: 'DevHub',
      systemKey: 'k/1',
      rpcBaseUrl: 'http://127.0.0.1:7071/durabletask',
    });
    const base = 'http://localhost:7071/runtime/webhooks/durabletask';
    const q = 'taskHub=DevHub&connection=Storage&code=k%2F1';
    expect(data).toEqual({
      taskHubName: 'DevHub',
      creationUrls: {
        createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?code=k%2F1`,
        createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=k%2F1`,
      },
      managementUrls: {
        id: 'INSTANCEID',
        statusQueryGetUri: `${base}/instances/INSTANCEID?${q}`,
        sendEventPostUri: `${base}/instances/INSTANCEID/raiseEvent/{eventName}?${q}`,
        terminatePostUri: `${base}/instances/INSTANCEID/terminate?reason={text}&${q}`,
        rewindPostUri: `${base}/instances/INSTANCEID/rewind?reason={text}&${q}`,
        purgeHistoryDeleteUri: `${base}/instances/INSTANCEID?${q}`,
        restartPostUri: `${base}/instances/INSTANCEID/restart?${q}`,
        suspendPostUri: `${base}/instances/INSTANCEID/suspend?reason={text}&${q}`,
        resumePostUri: `${base}/instances/INSTANCEID/resume?reason={text}&${q}`,
      },
      baseUrl: base,
      requiredQueryStringParameters: 'code=k%2F1',
      // The SDK resolves relative paths against it, so the trailing slash is mandatory (pitfall 12).
      rpcBaseUrl: 'http://127.0.0.1:7071/durabletask/',
    });
  });

  it('omits the key when none is configured and defaults rpcBaseUrl to <origin>/durabletask/', () => {
    const data = buildClientData({
      origin: 'http://localhost:7072',
      taskHubName: 'Hub',
      connectionName: 'Conn2',
    });
    expect(data.rpcBaseUrl).toBe('http://localhost:7072/durabletask/');
    expect(data.requiredQueryStringParameters).toBe('');
    expect(data.creationUrls.createNewInstancePostUri).toBe(
      'http://localhost:7072/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]',
    );
    expect(data.creationUrls.createAndWaitOnNewInstancePostUri).toMatch(
      /pollingInterval=\{intervalInSeconds\}$/,
    );
    expect(data.managementUrls.statusQueryGetUri).toBe(
      'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=Hub&connection=Conn2',
    );
  });
});

describe('buildCheckStatusPayload', () => {
  it('has the 9 keys of createCheckStatusResponse with the id encoded in links', () => {
    const payload = buildCheckStatusPayload(
      { origin: 'https://public.example:8443', taskHubName: 'DevHub' },
      'a b',
    );
    expect(Object.keys(payload)).toEqual([
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'rewindPostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
    ]);
    expect(payload.id).toBe('a b');
    expect(payload.terminatePostUri).toBe(
      'https://public.example:8443/runtime/webhooks/durabletask/instances/a%20b/terminate?reason={text}&taskHub=DevHub&connection=Storage',
    );
  });
});
