/** The Durable client, as Gantry's application services need it (implemented over the SDK's client). */
export interface OrchestrationControl {
  /**
   * Starts the service's lane singleton if it is not running, else wakes it. Answers the deployment the
   * lane is running when it is busy (what a new push waits behind), from the status it reads anyway.
   */
  ensureLane(service: string, digest: string): Promise<string | undefined | void>;
  /** Raises an event; unknown or finished instances are reported, not thrown. */
  raise(instanceId: string, event: string, payload: unknown): Promise<'accepted' | 'not-found' | 'gone'>;
  /**
   * Starts an orchestration under a fixed id unless that instance is still live ('running'). With
   * `fresh`, the caller knows no instance can hold the id yet (it derives from a record this very call
   * created), so the status read that guards the start is skipped; a conflict still answers 'running'.
   */
  start(
    name: string,
    instanceId: string,
    input: unknown,
    options?: { fresh?: boolean },
  ): Promise<'started' | 'running'>;
  status(instanceId: string): Promise<{ runtimeStatus: string; customStatus: unknown } | undefined>;
}
