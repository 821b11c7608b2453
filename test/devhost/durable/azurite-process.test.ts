import { TableClient } from '@azure/data-tables';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzuriteProcess, type AzuriteProcessHandle } from '../../../devhost/durable/azurite-process.js';

/** Runs the compiled child entry (dist/devhost/durable/azurite-server.js): `npm run build` first. */

const location = mkdtempSync(path.join(tmpdir(), 'azurite-process-'));
const started: AzuriteProcessHandle[] = [];

afterAll(async () => {
  await Promise.all(started.map((h) => h.stop()));
  rmSync(location, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startAzuriteProcess', () => {
  it('starts Azurite in its own process, is reused while it runs, and saves the data when stopped', async () => {
    const first = await startAzuriteProcess({ location });
    started.push(first);
    expect(first.reused).toBe(false);
    expect(first.pid).not.toBe(process.pid);
    expect(JSON.parse(readFileSync(path.join(location, 'azurite.json'), 'utf8'))).toEqual({
      pid: first.pid,
      port: first.port,
    });
    const table = TableClient.fromConnectionString(first.connectionString, 'Kept', {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });

    const again = await startAzuriteProcess({ location });
    expect(again.reused).toBe(true);
    expect(again.pid).toBe(first.pid);

    await first.stop();
    expect(alive(first.pid)).toBe(false);
    expect(existsSync(path.join(location, 'azurite.json'))).toBe(false);

    // A new process on the same folder has what the stopped one saved.
    const next = await startAzuriteProcess({ location });
    started.push(next);
    expect(next.reused).toBe(false);
    const reopened = TableClient.fromConnectionString(next.connectionString, 'Kept', {
      allowInsecureConnection: true,
    });
    expect((await reopened.getEntity<{ value: number }>('p', 'r')).value).toBe(42);
    await next.stop();
  }, 60_000);

  it('does not trust a stale pid file: a dead pid or a port that is not Azurite starts a new one', async () => {
    writeFileSync(path.join(location, 'azurite.json'), JSON.stringify({ pid: 2 ** 22 + 7, port: 1 }));
    const fresh = await startAzuriteProcess({ location });
    started.push(fresh);
    expect(fresh.reused).toBe(false);
    expect(alive(fresh.pid)).toBe(true);
    await fresh.stop();
    writeFileSync(path.join(location, 'azurite.json'), JSON.stringify({ pid: process.pid, port: 1 }));
    const other = await startAzuriteProcess({ location });
    started.push(other);
    expect(other.reused).toBe(false);
    expect(other.pid).not.toBe(process.pid);
    await other.stop();
  }, 60_000);

  it('reports a port it cannot listen on as an error naming Azurite', async () => {
    const holderDir = mkdtempSync(path.join(tmpdir(), 'azurite-holder-'));
    const holder = await startAzuriteProcess({ location: holderDir });
    started.push(holder);
    const dir = mkdtempSync(path.join(tmpdir(), 'azurite-busy-'));
    await expect(startAzuriteProcess({ location: dir, port: holder.port })).rejects.toThrow(
      /Azurite \(storage\)/,
    );
    await holder.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(holderDir, { recursive: true, force: true });
  }, 60_000);
});
