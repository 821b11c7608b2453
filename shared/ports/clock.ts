/** Wall-clock time for activities and HTTP handlers (orchestrations use their own replay-safe clock). */
export interface AppClock {
  now(): number;
}
