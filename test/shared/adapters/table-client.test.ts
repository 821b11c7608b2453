import { inspect } from 'node:util';
import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_ACCOUNT_KEY, startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { TableStorageError } from '../../../shared/adapters/table-client.js';
import { TableRunStore, type TableRunStoreOptions } from '../../../shared/adapters/table-store.js';
import { RunStoreError } from '../../../shared/ports/run-store.js';
import { counting, nextPrefix } from './table-helpers.js';
import { deployment } from '../ports/run-store-fixtures.js';

let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

function options(extra: Partial<TableRunStoreOptions> = {}): TableRunStoreOptions {
  return { connectionString: azurite.connectionString, tablePrefix: nextPrefix(), ...extra };
}

describe('Table Storage access: configuration', () => {
  it('validates the table prefix and the connection options without echoing them', () => {
    for (const tablePrefix of ['', '1abc', 'a-b', 'a_b', 'a'.repeat(48)]) {
      expect(() => new TableRunStore(options({ tablePrefix }))).toThrow(
        expect.objectContaining({ code: 'invalid-configuration' }),
      );
    }
    expect(() => new TableRunStore(options({ tablePrefix: 'a'.repeat(47) }))).not.toThrow();
    const credential: TokenCredential = { getToken: async () => null };
    const bad: TableRunStoreOptions[] = [
      { tablePrefix: 'gantry' },
      { tablePrefix: 'gantry', endpoint: 'https://acct.table.core.windows.net' },
      {
        tablePrefix: 'gantry',
        connectionString: azurite.connectionString,
        endpoint: 'https://x',
        credential,
      },
      { tablePrefix: 'gantry', connectionString: 'AccountName=a;AccountKey=SECRETKEY;Bogus' },
      { tablePrefix: 'gantry', endpoint: 'not a url ?sig=SECRETSIG', credential },
    ];
    for (const opts of bad) {
      let error: unknown;
      try {
        new TableRunStore(opts);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(RunStoreError);
      expect(error).toMatchObject({ code: 'invalid-configuration' });
      expect(inspect(error)).not.toMatch(/SECRET/);
    }
    expect(() => new TableRunStore(options({ maxUpdateAttempts: 0 }))).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });

  it('creates its tables once and reuses them on the next start', async () => {
    const opts = options();
    const first = await TableRunStore.create(opts);
    const d = deployment('api', 'v1');
    await first.createDeployment(d);
    const second = await TableRunStore.create(opts);
    expect(await second.findDeployment(d.id)).toEqual(d);
  });
});

describe('Table Storage access: errors never carry secrets', () => {
  async function failure(opts: TableRunStoreOptions): Promise<TableStorageError> {
    const error = await TableRunStore.create(opts).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TableStorageError);
    return error as TableStorageError;
  }

  it('reports a rejected account key by status only', async () => {
    const key = Buffer.from('not-the-account-key-SECRET').toString('base64');
    const connectionString = azurite.connectionString.replace(DEV_ACCOUNT_KEY, key);
    const error = await failure(options({ connectionString, clientOptions: counting().clientOptions }));
    expect(error).toMatchObject({ code: 'storage-error', status: 403, operation: 'create table' });
    for (const text of [error.message, inspect(error), JSON.stringify(error)]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain('AccountKey');
    }
  });

  it('does not repeat a SAS token from the request URL', async () => {
    const sas = 'sv=2020-08-04&ss=t&srt=sco&sp=rwdlacu&se=2099-01-01T00:00:00Z&sig=SECRETSIGNATURE';
    const connectionString = `TableEndpoint=${azurite.tableEndpoint};SharedAccessSignature=${sas}`;
    const error = await failure(options({ connectionString, clientOptions: counting().clientOptions }));
    expect(error.status).toBe(403);
    expect(inspect(error)).not.toContain('SECRETSIGNATURE');
  });

  it('reports an unreachable service and the SDK refusing a bearer token over http', async () => {
    const closed = options({
      connectionString: azurite.connectionString.replace(`:${azurite.port}/`, ':1/'),
      clientOptions: counting().clientOptions,
    });
    const unreachable = await failure(closed);
    expect(unreachable.status).toBeUndefined();
    expect(unreachable.message).toMatch(/create table on table t\w+ failed \(no response/);

    const getToken = vi.fn(async () => ({
      token: 'SECRET-TOKEN',
      expiresOnTimestamp: Date.now() + 3_600_000,
    }));
    const viaCredential = {
      tablePrefix: nextPrefix(),
      endpoint: azurite.tableEndpoint,
      credential: { getToken },
    };
    const refused = await failure({ ...viaCredential, clientOptions: counting().clientOptions });
    expect(inspect(refused)).not.toContain('SECRET-TOKEN');
  });
});
