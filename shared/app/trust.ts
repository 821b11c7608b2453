import type { HostingSettings } from '../config.js';

/**
 * Which identity sources a request may be believed on, given where the app runs. Fails closed: a
 * principal header is only as trustworthy as whatever stands in front of the app, so it is believed only
 * where App Service authentication strips client copies (Azure with `WEBSITE_AUTH_ENABLED=True`) or on a
 * development host, where the caller is the developer anyway. Anywhere else no identity is accepted.
 */
export type Trust =
  | { kind: 'trusted'; appServiceHeaders: true; developmentPrincipal: boolean; where: string }
  | { kind: 'refused'; reason: string; missingSetting: string };

export function trustFor(hosting: HostingSettings): Trust {
  if (hosting.azureMarkers.length > 0) {
    if (hosting.appServiceAuth)
      return {
        kind: 'trusted',
        appServiceHeaders: true,
        developmentPrincipal: false,
        where: 'Azure with App Service authentication',
      };
    return {
      kind: 'refused',
      missingSetting: 'WEBSITE_AUTH_ENABLED',
      reason:
        `running in Azure (${hosting.azureMarkers.join(', ')} set) without App Service authentication ` +
        '(WEBSITE_AUTH_ENABLED is not True): principal headers could be forged, so none is accepted',
    };
  }
  if (hosting.development)
    return {
      kind: 'trusted',
      appServiceHeaders: true,
      developmentPrincipal: true,
      where: 'a development host',
    };
  return {
    kind: 'refused',
    missingSetting: 'AZURE_FUNCTIONS_ENVIRONMENT',
    reason:
      'neither in Azure with App Service authentication (WEBSITE_AUTH_ENABLED) nor on a development host ' +
      '(AZURE_FUNCTIONS_ENVIRONMENT=Development): nothing vouches for principal headers, so none is accepted',
  };
}
