import type { TestHost } from '../../../devhost/testing.js';

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Array<Record<string, unknown>>;
}

export interface Links {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
}

/**
 * Drives the conformance app only over HTTP: the app's own starter (real DurableClient) and the
 * management links it returns. Waiting never sleeps: between polls it waits for the engine to go idle,
 * and with `advanceTime` virtual time skips to the next timer when nothing else can run.
 */
export class HttpDriver {
  constructor(readonly host: TestHost) {}

  async start(orchestrator: string, input?: unknown, instanceId?: string): Promise<Links> {
    const path = `/api/orchestrators/${orchestrator}${instanceId ? `/${instanceId}` : ''}`;
    const res = await this.host.request(path, {
      method: 'POST',
      body: input === undefined ? undefined : JSON.stringify(input),
    });
    if (res.status !== 202) throw new Error(`start ${orchestrator}: HTTP ${res.status} ${await res.text()}`);
    const links = (await res.json()) as Links;
    if (res.headers.get('location') !== links.statusQueryGetUri)
      throw new Error('Location header does not match statusQueryGetUri');
    return links;
  }

  async status(links: Links, query = ''): Promise<{ http: number; body: Status }> {
    const url = new URL(links.statusQueryGetUri);
    for (const [k, v] of new URLSearchParams(query)) url.searchParams.set(k, v);
    const res = await fetch(url);
    return { http: res.status, body: (await res.json()) as Status };
  }

  /** Polls the status link until `until` holds. */
  async waitFor(
    links: Links,
    until: (s: Status) => boolean,
    options: { advanceTime?: boolean; query?: string } = {},
  ): Promise<Status> {
    await this.setAutoAdvance(options.advanceTime ?? false);
    try {
      for (let poll = 0; poll < 10_000; poll++) {
        const { body } = await this.status(links, options.query ?? '');
        if (until(body)) return body;
        await this.idle();
      }
      throw new Error(`gave up waiting for ${links.id}`);
    } finally {
      await this.setAutoAdvance(false);
    }
  }

  waitForCompletion(links: Links, query = '?showHistory=true&showHistoryOutput=true'): Promise<Status> {
    return this.waitFor(links, (s) => ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus), {
      advanceTime: true,
      query,
    });
  }

  async raise(links: Links, eventName: string, data: unknown): Promise<number> {
    const url = links.sendEventPostUri.replace('{eventName}', encodeURIComponent(eventName));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    return res.status;
  }

  async post(template: string, reason: string): Promise<number> {
    const res = await fetch(template.replace('{text}', encodeURIComponent(reason)), { method: 'POST' });
    return res.status;
  }

  async setAutoAdvance(on: boolean): Promise<void> {
    const res = await this.host.request('/admin/host/clock', {
      method: 'POST',
      body: JSON.stringify({ autoAdvance: on }),
    });
    if (res.status !== 200) throw new Error(`clock: HTTP ${res.status}`);
  }

  async advance(ms: number): Promise<void> {
    const res = await this.host.request('/admin/host/clock', {
      method: 'POST',
      body: JSON.stringify({ advanceMs: ms }),
    });
    if (res.status !== 200) throw new Error(`clock: HTTP ${res.status}`);
    await this.idle();
  }

  /** Waits until the host reports that nothing is in flight. */
  async idle(): Promise<void> {
    for (;;) {
      const res = await this.host.request('/admin/host/idle');
      const body = (await res.json()) as { idle: boolean };
      if (body.idle) return;
      await this.host.idle();
    }
  }
}

export const events = (s: Status, type: string) =>
  (s.historyEvents ?? []).filter((e) => e.EventType === type);
