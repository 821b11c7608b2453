import { pathSegment } from './http.js';

/** API paths built from user input; every segment goes through `pathSegment`. */
export const deploymentPath = (id: string): string => `/api/deployments/${pathSegment(id, 'deployment id')}`;

export const servicePath = (name: string): string => `/api/services/${pathSegment(name, 'service name')}`;
