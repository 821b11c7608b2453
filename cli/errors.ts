/**
 * Exit codes are part of the CLI's contract (docs/cli.md): scripts branch on them, so they never change
 * meaning. `watch` adds one code per unsuccessful outcome (see `OUTCOME_EXIT`).
 */
export const EXIT = {
  ok: 0,
  /** The API answered with an error (4xx/5xx). */
  api: 1,
  /** Bad command line, flag value, config file or input file: nothing was sent. */
  usage: 2,
  /** The API could not be reached (connection refused, DNS, TLS, timeout). */
  unreachable: 3,
  /** `watch --timeout` ran out before the deployment finished. */
  timeout: 4,
  interrupted: 130,
} as const;

/** `watch`'s exit code for each terminal deployment state. */
export const OUTCOME_EXIT: Readonly<Record<string, number>> = {
  Succeeded: 0,
  Failed: 10,
  RolledBack: 11,
  Cancelled: 12,
  Superseded: 13,
};

/** Every failure the CLI reports: a stable `code`, a message safe to print, and the exit code. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, details?: Record<string, unknown>): CliError =>
  new CliError('usage', message, EXIT.usage, details);

/** An error answer from the API, keeping its status, code, message and details. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, EXIT.api, details);
    this.name = 'ApiError';
  }
}
