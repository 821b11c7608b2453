/**
 * When to poll next: the base interval while requests succeed, doubling with each consecutive failure
 * up to `maxMs`, so a dashboard left open during an outage does not hammer the API.
 */
export function nextDelay(baseMs: number, failures: number, maxMs = 60_000): number {
  if (failures <= 0) return baseMs;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 16));
}
