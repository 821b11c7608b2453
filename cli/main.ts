import { setTimeout as delay } from 'node:timers/promises';
import { closest, parseCommandLine, type ParsedCommandLine } from './args.js';
import { COMMANDS, findCommand, GLOBAL_FLAGS } from './commands/index.js';
import type { CommandContext } from './commands/types.js';
import { ApiError, CliError, EXIT, usageError } from './errors.js';
import { plain } from './format.js';
import { commandHelp, globalHelp } from './help.js';
import { ApiClient } from './http.js';
import { Output, type Stream } from './output.js';
import { renewLogin } from './login.js';
import { resolveSettings } from './settings.js';
import { colourWanted, makeStyle } from './style.js';

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface Io {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdout: Stream;
  stderr: Stream;
  readFile(path: string): string | undefined;
  /** Writes a file only the user can read (mode 600); absent, commands that store tokens fail. */
  writeFile?(path: string, text: string): void;
  /** Writes an ordinary file (`gantry init`'s kit); absent, commands that write files fail. */
  writeOutputFile?(path: string, text: string): void;
  fetch?: typeof fetch;
  now?(): number;
  sleep?(ms: number): Promise<void>;
  version?: string;
}

function parse(argv: readonly string[]): ParsedCommandLine {
  return parseCommandLine(argv, GLOBAL_FLAGS, (name) => {
    if (name === 'help') return [];
    const command = findCommand(name);
    if (command) return command.flags;
    const guess = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    throw usageError(
      `Unknown command '${name}'.${guess ? ` Did you mean '${guess}'?` : ''} See gantry --help.`,
    );
  });
}

/** `parameter: pageSize`, or one line per issue for a list of `{ path, message }` (spec validation). */
function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details).flatMap(([key, value]) => {
    const issues = Array.isArray(value) ? (value as Array<{ path?: unknown; message?: unknown }>) : [];
    if (
      issues.length > 0 &&
      issues.every((i) => typeof i?.path === 'string' && typeof i.message === 'string')
    )
      return issues.map((i) => plain(`${i.path}: ${i.message}`));
    return [plain(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)];
  });
}

function report(error: unknown, io: Io, json: boolean): number {
  const known = error instanceof CliError ? error : undefined;
  const exitCode = known?.exitCode ?? EXIT.api;
  if (json) {
    const status = error instanceof ApiError ? error.status : undefined;
    const body = known
      ? { status, code: known.code, message: known.message, details: known.details, exitCode }
      : { code: 'internal', message: String((error as Error)?.message ?? error), exitCode };
    io.stderr.write(`${JSON.stringify({ error: body })}\n`);
    return exitCode;
  }
  const style = makeStyle(colourWanted(io.stderr.isTTY === true, io.env, false));
  const prefix = `gantry: ${style.red('error')}:`;
  if (error instanceof ApiError) {
    io.stderr.write(`${prefix} HTTP ${error.status} ${plain(error.code)}: ${plain(error.message)}\n`);
    for (const line of detailLines(error.details)) io.stderr.write(`  ${line}\n`);
  } else if (known) io.stderr.write(`${prefix} ${plain(known.message)}\n`);
  else io.stderr.write(`${prefix} unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
  return exitCode;
}

/** Runs one command line; returns the exit code (never throws). */
export async function run(io: Io): Promise<number> {
  const wantsJson = io.argv.includes('--json');
  try {
    const cli = parse(io.argv);
    const style = makeStyle(colourWanted(io.stdout.isTTY === true, io.env, cli.flags['no-color'] === true));
    const columns = Number(io.env.COLUMNS);
    const out = new Output(
      io.stdout,
      io.stderr,
      style,
      cli.flags.json === true,
      columns > 20 ? columns : 100,
    );
    if (cli.flags.version) {
      out.line(`gantry ${io.version ?? 'unknown'}`);
      return EXIT.ok;
    }
    const topic = cli.command === 'help' ? cli.positionals[0] : cli.command;
    const command = topic === undefined ? undefined : findCommand(topic);
    if (topic !== undefined && !command)
      throw usageError(`No help for '${topic}': not a command. See gantry --help.`);
    if (!command || cli.flags.help || cli.command === 'help') {
      const text = command
        ? commandHelp(command, GLOBAL_FLAGS, style)
        : globalHelp(COMMANDS, GLOBAL_FLAGS, style);
      // Bare `gantry` is a usage mistake: the help goes to stderr so a script's stdout stays clean.
      const mistaken = cli.command === undefined && !cli.flags.help;
      if (mistaken) io.stderr.write(`${text.join('\n')}\n`);
      else out.lines(text);
      return mistaken ? EXIT.usage : EXIT.ok;
    }
    const now = io.now ?? Date.now;
    const settings = resolveSettings(cli.flags, io.env, io.readFile, now());
    const writeFile =
      io.writeFile ??
      (() => {
        throw new CliError('no-file-access', 'This CLI cannot write files here.', EXIT.usage);
      });
    if (!['login', 'logout', 'init'].includes(command.name))
      await renewLogin(settings, { readFile: io.readFile, writeFile }, (line) => out.error(line));
    const ctx: CommandContext = {
      command: command.name,
      args: cli.positionals,
      flags: cli.flags,
      api: new ApiClient(settings, io.fetch),
      settings,
      out,
      now,
      readFile: io.readFile,
      writeFile,
      writeOutputFile:
        io.writeOutputFile ??
        (() => {
          throw new CliError('no-file-access', 'This CLI cannot write files here.', EXIT.usage);
        }),
      env: io.env,
      sleep: io.sleep ?? ((ms) => delay(ms)),
    };
    return await command.run(ctx);
  } catch (error) {
    return report(error, io, wantsJson);
  }
}
