import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file only its owner can read (0600, in a 0700 folder it creates): a temporary file with
 * that mode first, renamed over the old one, so no moment exists where the contents are readable by
 * others, and a file that had looser permissions is replaced rather than kept.
 */
export function writePrivateFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600, flag: 'w' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Writes a file others may read (the onboarding kit goes into a repository), creating its folder. */
export function writePublicFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { flag: 'w' });
}
