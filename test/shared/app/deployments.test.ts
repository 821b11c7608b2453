import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { submitImage } from '../../../shared/app/deployments.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const AT = '2026-01-05T12:00:00.000Z';
const D = `sha256:${'7'.repeat(64)}`;

function setup() {
  const store = new MemoryRunStore();
  const lanes: string[] = [];
  const control = { ensureLane: async (s: string) => void lanes.push(s) } as unknown as OrchestrationControl;
  return { store, lanes, control, ports: { config, store } as unknown as Ports };
}

describe("submitImage: the image must be the named service's", () => {
  it.each([
    ['another service', 'IoTService', `hearloveen.azurecr.io/api-gateway:1.4.0@${D}`],
    ['another registry', 'ApiGateway', `other.azurecr.io/api-gateway:1.4.0@${D}`],
    ['a repository in a namespace', 'ApiGateway', `hearloveen.azurecr.io/team/api-gateway:1.4.0@${D}`],
    ['an unconfigured repository', 'ApiGateway', `hearloveen.azurecr.io/unknown@${D}`],
  ])('refuses %s with 400 repository-mismatch and writes nothing', async (_name, service, image) => {
    const { store, lanes, control, ports } = setup();
    const error = await submitImage(ports, control, { service, image, source: 'manual', at: AT }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 400, code: 'repository-mismatch', details: { service } });
    expect((error as Error).message).toContain(`does not deploy`);
    expect((await store.listDeployments({})).items).toEqual([]);
    expect(await store.listQueue(service)).toEqual([]);
    expect(lanes).toEqual([]);
  });

  it.each([
    ['the configured repository', 'ApiGateway', `hearloveen.azurecr.io/api-gateway:1.4.0@${D}`],
    ['any casing of name and host, any tag', 'apigateway', `HearLoveen.azurecr.io/api-gateway:hotfix@${D}`],
    ['a digest without a tag', 'IoTService', `hearloveen.azurecr.io/iot-service@${D}`],
  ])('accepts %s', async (_name, service, image) => {
    const { control, ports, lanes } = setup();
    const { deployment, created } = await submitImage(ports, control, {
      service,
      image,
      source: 'manual',
      at: AT,
    });
    expect(created).toBe(true);
    expect(deployment.state).toBe('Queued');
    expect(lanes).toEqual([deployment.service]);
  });
});
