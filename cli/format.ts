import type { ImageRef } from '../shared/contracts/plan.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** A string from the API, made safe for a terminal: control characters (escapes included) become spaces. */
export const plain = (s: unknown): string =>
  s === undefined || s === null ? '' : String(s).replace(CONTROL, ' ');

/** `2026-01-05 10:41:00Z`: UTC, to the second, the same on every machine. */
export function time(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return plain(iso);
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** `45s`, `5m00s`, `1h02m`, `3d04h`: two units at most. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** `sha256:1111aaaa2222…` → `1111aaaa2222` (the same 12 hex characters as in deployment ids). */
export const shortDigest = (digest: string): string => plain(digest.replace(/^sha256:/, '').slice(0, 12));

/** `api-gateway:1.0.0@1111aaaa2222`: enough to recognise a release without the registry. */
export function imageLabel(image: ImageRef | undefined): string {
  if (!image) return '';
  const tag = image.tag ? `:${plain(image.tag)}` : '';
  return `${plain(image.repository)}${tag}@${shortDigest(image.digest)}`;
}

export const fullImage = (image: ImageRef): string =>
  plain(`${image.registry}/${image.repository}${image.tag ? `:${image.tag}` : ''}@${image.digest}`);

/** A number as a check shows it: up to three decimals, no trailing zeros; null is "no data". */
export function value(v: unknown): string {
  if (v === null || v === undefined) return 'no data';
  if (typeof v !== 'number') return plain(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
}

/** `min 99`, `max 500`, `99..101`, or empty. */
export function bounds(min: unknown, max: unknown): string {
  const has = (x: unknown): x is number => typeof x === 'number';
  if (has(min) && has(max)) return `${value(min)}..${value(max)}`;
  if (has(min)) return `min ${value(min)}`;
  if (has(max)) return `max ${value(max)}`;
  return '';
}
