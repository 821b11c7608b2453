import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, bicepFiles, readInfra } from './bicep.js';
import { at, literal, parseInfra, render, resourcesOf, statement } from './bicep-query.js';

/** Optional private networking (VNET_ENABLED) and how Event Grid reaches the app (issue 14). */

const MAIN = parseInfra('main.bicep');
const NETWORK = parseInfra('app/network.bicep');
const PRIVATE = parseInfra('app/private-network.bicep');

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not found`);
  return value;
}

describe('private networking', () => {
  it('is off unless asked for, and then deployed as one module', () => {
    const param = statement(MAIN, 'param', 'vnetEnabled');
    expect(literal(param.default)).toBe(false);
    const module = statement(MAIN, 'module', 'privateNetwork');
    expect(module.value.kind).toBe('if');
    if (module.value.kind === 'if') expect(render(module.value.cond)).toBe('vnetEnabled');
    const parameters = readFileSync(path.join(ROOT, 'infra/main.parameters.json'), 'utf8');
    expect(parameters).toContain('"vnetEnabled": { "value": "${VNET_ENABLED=false}" }');
  });

  it('integrates the Flex app with a subnet delegated to Microsoft.App/environments', () => {
    const vnet = must(resourcesOf(NETWORK, 'Microsoft.Network/virtualNetworks')[0], 'VNet');
    const subnets = at(vnet, 'properties.subnets');
    const app =
      subnets?.kind === 'array' ? subnets.items.find((s) => literal(at(s, 'name')) === 'app') : undefined;
    expect(literal(at(must(app, 'app subnet'), 'properties.delegations'))).toEqual([
      { name: 'flex-consumption', properties: { serviceName: 'Microsoft.App/environments' } },
    ]);
    const functionApp = statement(MAIN, 'module', 'functionApp');
    expect(render(at(functionApp.value, 'params.subnetId'))).toBe(
      "vnetEnabled ? privateNetwork.outputs.appSubnetId : ''",
    );
    const site = must(resourcesOf(parseInfra('app/functionapp.bicep'), 'Microsoft.Web/sites')[0], 'site');
    expect(render(at(site, 'properties.virtualNetworkSubnetId'))).toBe('empty(subnetId) ? null : subnetId');
  });

  it('gives Storage (blob, queue, table), Key Vault and Service Bus a private endpoint in a matching zone', () => {
    const zones = statement(NETWORK, 'var', 'zoneNames').value;
    const zoneNames = Object.fromEntries(
      zones.kind === 'object' ? zones.props.map((p) => [p.key, render(p.value)]) : [],
    );
    expect(zoneNames).toEqual({
      blob: "'privatelink.blob.${environment().suffixes.storage}'",
      queue: "'privatelink.queue.${environment().suffixes.storage}'",
      table: "'privatelink.table.${environment().suffixes.storage}'",
      vault: "'privatelink.vaultcore.azure.net'",
      namespace: "'privatelink.servicebus.windows.net'",
    });
    expect(literal(statement(PRIVATE, 'var', 'storagePrivateGroups').value)).toEqual([
      'blob',
      'queue',
      'table',
    ]);
    const endpoints = statement(PRIVATE, 'var', 'endpoints').value;
    const groups =
      endpoints.kind === 'call' && endpoints.args[1]?.kind === 'array'
        ? endpoints.args[1].items.map((i) => literal(at(i, 'group')))
        : [];
    expect(groups).toEqual(['vault', 'namespace']);
    const module = statement(PRIVATE, 'module', 'privateEndpoints');
    expect(module.value.kind === 'for' ? render(at(module.value.body, 'params.zoneId')) : '').toBe(
      'network.outputs.zoneIds[e.group]',
    );
    const groupsOfZones = Object.keys(zoneNames).sort();
    expect(groupsOfZones).toEqual(['blob', 'namespace', 'queue', 'table', 'vault']);
    // Every zone is linked to the VNet, or names would resolve to public addresses.
    const links = resourcesOf(NETWORK, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks')[0];
    expect(links?.value.kind === 'for' ? render(links.value.source) : '').toBe('items(zoneNames)');
  });

  it('closes the public side of each data service when private', () => {
    const text = (f: string) => readInfra(f);
    expect(text('app/storage.bicep')).toMatch(/defaultAction: restrictPublicNetwork \? 'Deny' : 'Allow'/);
    expect(text('app/keyvault.bicep')).toMatch(/defaultAction: restrictPublicNetwork \? 'Deny' : 'Allow'/);
    expect(text('app/servicebus.bicep')).toMatch(
      /publicNetworkAccess: privateNetwork \? 'Disabled' : 'Enabled'/,
    );
    // Private endpoints exist only in Service Bus Premium.
    expect(text('app/servicebus.bicep')).toMatch(/privateNetwork \? \{ name: 'Premium', tier: 'Premium'/);
    expect(render(at(statement(MAIN, 'module', 'storage').value, 'params.restrictPublicNetwork'))).toBe(
      'vnetEnabled',
    );
    expect(render(at(statement(MAIN, 'module', 'keyVault').value, 'params.restrictPublicNetwork'))).toBe(
      'vnetEnabled',
    );
    expect(render(at(statement(MAIN, 'module', 'serviceBus').value, 'params.privateNetwork'))).toBe(
      'vnetEnabled',
    );
  });

  it('peers both ways with each AKS VNet and links the given private DNS zones', () => {
    const out = statement(PRIVATE, 'module', 'peeringsOut');
    const back = statement(PRIVATE, 'module', 'peeringsBack');
    const links = statement(PRIVATE, 'module', 'dnsLinks');
    for (const m of [out, back, links]) expect(m.value.kind).toBe('for');
    if (back.value.kind === 'for' && links.value.kind === 'for') {
      expect(render(at(back.value.body, 'scope'))).toBe(
        "resourceGroup(split(peer, '/')[2], split(peer, '/')[4])",
      );
      expect(render(at(back.value.body, 'params.remoteVnetId'))).toBe('network.outputs.id');
      expect(render(at(links.value.body, 'params.vnetId'))).toBe('network.outputs.id');
    }
  });
});

describe('Event Grid delivery carries no key in a URL', () => {
  it('subscribes the function as an AzureFunction destination (Event Grid resolves the key itself)', () => {
    const type = 'Microsoft.EventGrid/systemTopics/eventSubscriptions';
    const sub = must(resourcesOf(parseInfra('app/acr-subscription.bicep'), type)[0], 'subscription');
    expect(literal(at(sub, 'properties.destination.endpointType'))).toBe('AzureFunction');
    expect(at(sub, 'properties.destination.properties.endpointUrl')).toBeUndefined();
    expect(at(sub, 'properties.deliveryWithResourceIdentity')).toBeUndefined();
  });

  it('never reads a function or host key anywhere in the infrastructure or its hooks', () => {
    const hooks = ['postdeploy.sh', 'postdeploy.ps1', 'postprovision.mjs', 'predeploy.mjs'].map((f) =>
      readFileSync(path.join(ROOT, 'infra/hooks', f), 'utf8'),
    );
    for (const text of [...bicepFiles().map(readInfra), ...hooks]) {
      expect(text).not.toMatch(/listKeys|host\/default|functionapp keys|eventgrid_extension|[?&]code=/);
    }
  });
});
