import { parse } from 'yaml';
import { mergeService } from '../shared/config/load.js';
import { usageError } from './errors.js';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CanarySpec {
  canary: Plain;
  /** Where in the file the block came from, for the reader of the output. */
  from: string;
}

/** The service a deployment id belongs to: ids are `<service lower-cased>-<12 hex>[-r<n>]`. */
const serviceOfId = (id: string): string | undefined => /^(.+)-[a-f0-9]{12}(?:-r[0-9]+)?$/.exec(id)?.[1];

function fromWholeConfig(doc: Plain, file: string, service: string | undefined, id: string): CanarySpec {
  const services = doc.services;
  if (!isPlain(services)) throw usageError(`${file}: 'services' must be a mapping of service names.`);
  const wanted = service ?? serviceOfId(id);
  const name = Object.keys(services).find((k) => k.toLowerCase() === wanted?.toLowerCase());
  if (!name) {
    const known = Object.keys(services).join(', ');
    throw usageError(
      wanted
        ? `${file} has no service '${wanted}' (it has: ${known}). Name one with --service.`
        : `${file} is a whole Gantry config: name the service with --service (one of: ${known}).`,
    );
  }
  const defaults = isPlain(doc.defaults) ? doc.defaults : {};
  // The same merge the app applies when it loads the file, so the block is what the service would run with.
  const merged = mergeService(defaults, services[name]);
  const canary = isPlain(merged) ? merged.canary : undefined;
  if (!isPlain(canary))
    throw usageError(`${file}: service ${name} has no canary block (neither its own nor in defaults).`);
  return { canary, from: `services.${name}.canary merged over defaults.canary` };
}

/**
 * The canary block to rejudge with, from a YAML or JSON file holding either `canary: {...}`, a whole
 * Gantry configuration (then the service's block merged over the defaults), or the bare block itself.
 */
export function canarySpecFromFile(
  text: string,
  file: string,
  service: string | undefined,
  deploymentId: string,
): CanarySpec {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    throw usageError(`${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isPlain(doc))
    throw usageError(`${file} must hold a mapping: a canary block, or a Gantry configuration.`);
  if ('services' in doc) return fromWholeConfig(doc, file, service, deploymentId);
  if (service !== undefined)
    throw usageError(`--service applies only to a whole Gantry configuration; ${file} is not one.`);
  if ('canary' in doc) {
    if (!isPlain(doc.canary)) throw usageError(`${file}: 'canary' must be a mapping.`);
    return { canary: doc.canary, from: 'canary' };
  }
  return { canary: doc, from: 'the whole file' };
}
