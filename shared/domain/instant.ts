/**
 * Strict reading of ISO 8601 instants from outside (query strings, request bodies). `Date.parse` alone
 * accepts `2026-02-30` (rolled over to March), `24:00` and zone-less local times, each of which would
 * silently move a period or a lead time; those are refused here.
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Epoch ms of an ISO 8601 date-time with a zone (`Z` or `±hh:mm`), or undefined if it is not one. */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`) return undefined;
  // More than millisecond precision is accepted and cut, as Date.parse would not take it.
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}
