import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SandboxWorld } from './world.js';

/**
 * Keeps the sandbox's world (Kubernetes objects, Argo CD applications, pending workflow runs, faults,
 * registry images, commits) in a JSON file beside the Azurite data, so a restart of `npm start` resumes
 * deployments where they were.
 *
 * When it is saved: every change marks the world dirty, and the file is rewritten (a temporary file, then
 * a rename, so a crash leaves the old or the new file, never half of one) in a microtask queued by the
 * first change. Promise continuations run in order, so that save runs before any response reflecting the
 * change is written to its socket, and all the changes of one handler are saved at once. A `kill -9` can
 * therefore lose only changes no client has been told about. Not kept: the Prometheus samples, which the
 * traffic model regenerates from the world (a counter reset, which rate() handles, and a fresh warm-up).
 */

interface Encoded {
  $map?: Array<[unknown, unknown]>;
  $buf?: string;
}

function encode(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  )
    return { $buf: Buffer.from((value as { data: number[] }).data).toString('base64') };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Encoded;
    if (v.$map) return new Map(v.$map);
    if (typeof v.$buf === 'string') return Buffer.from(v.$buf, 'base64');
  }
  return value;
}

/** `JSON.stringify` calls a Buffer's toJSON before the replacer sees it, hence the `{type:'Buffer'}` case. */
export const serializeWorld = (world: SandboxWorld): string => JSON.stringify(world.exportState(), encode);

export const deserializeWorld = (world: SandboxWorld, text: string): void =>
  world.importState(JSON.parse(text, decode));

export interface WorldFile {
  /** True when the world was read from the file (false: it is new and was seeded). */
  readonly restored: boolean;
  /** Writes the world now (a clean stop calls it). */
  save(): void;
}

/**
 * Restores `world` from `file` when it exists (else runs `seed`), then keeps the file up to date. A file
 * that cannot be read is an error naming it: silently starting afresh would fail deployments in flight.
 */
export function persistWorld(world: SandboxWorld, file: string, seed: () => void): WorldFile {
  let restored = false;
  if (existsSync(file)) {
    try {
      deserializeWorld(world, readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(
        `cannot read the sandbox's saved world ${file}: ${(error as Error).message}; delete it to start afresh`,
        { cause: error },
      );
    }
    restored = true;
  } else seed();
  const save = (): void => {
    dirty = false;
    writeFileSync(`${file}.tmp`, serializeWorld(world));
    renameSync(`${file}.tmp`, file);
  };
  let dirty = false;
  world.onDirty(() => {
    if (dirty) return;
    dirty = true;
    queueMicrotask(() => dirty && save());
  });
  save();
  return { restored, save };
}
