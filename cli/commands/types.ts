import type { FlagSpec, FlagValues } from '../args.js';
import type { ApiClient } from '../http.js';
import type { Output } from '../output.js';
import type { Settings } from '../settings.js';

export interface CommandContext {
  command: string;
  args: string[];
  flags: FlagValues;
  api: ApiClient;
  settings: Settings;
  out: Output;
  /** Wall-clock time of this machine (relative `--since`, watch timeouts); never the server's clock. */
  now(): number;
  readFile(path: string): string | undefined;
  /** Writes a file only the user can read (the token cache). */
  writeFile(path: string, text: string): void;
  /** Writes an ordinary file, creating its folder (`gantry init`). */
  writeOutputFile(path: string, text: string): void;
  /** The environment the CLI was started with (read-only; settings are already resolved from it). */
  env: Record<string, string | undefined>;
  /** Waits between polls; tests of the loop can replace it. */
  sleep(ms: number): Promise<void>;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. `gantry status <id> [--timeline]`. */
  usage: string;
  /** Paragraphs of help text. */
  description: string[];
  flags: FlagSpec[];
  examples: string[];
  /** Returns the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** `-m <text>`: the comment recorded with an action. */
export const MESSAGE_FLAG: FlagSpec = {
  name: 'message',
  short: 'm',
  kind: 'string',
  value: '<text>',
  description: 'comment recorded with the action (who did what and why)',
};
