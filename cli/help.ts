import type { FlagSpec } from './args.js';
import type { Command } from './commands/types.js';
import { EXIT, OUTCOME_EXIT } from './errors.js';
import type { Style } from './style.js';

function flagLines(flags: readonly FlagSpec[]): string[] {
  const label = (f: FlagSpec) =>
    `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  const width = Math.max(0, ...flags.map((f) => label(f).length));
  return flags.map((f) => `  ${label(f).padEnd(width)}  ${f.description}`);
}

export function exitCodeLines(): string[] {
  const outcomes = Object.entries(OUTCOME_EXIT)
    .filter(([, code]) => code !== 0)
    .map(([state, code]) => `${code} ${state}`)
    .join(', ');
  return [
    `  ${EXIT.ok} success (watch: Succeeded)       ${EXIT.api} the API answered with an error`,
    `  ${EXIT.usage} bad command line or input file    ${EXIT.unreachable} Gantry unreachable`,
    `  ${EXIT.timeout} watch --timeout passed            ${EXIT.interrupted} interrupted (Ctrl-C)`,
    `  watch: ${outcomes}`,
  ];
}

export function globalHelp(
  commands: readonly Command[],
  globals: readonly FlagSpec[],
  style: Style,
): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${style.bold('gantry')}: the command line for Gantry, progressive delivery for AKS`,
    '',
    `${style.bold('Usage:')} gantry <command> [arguments] [flags]`,
    '',
    style.bold('Commands:'),
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    style.bold('Global flags:'),
    ...flagLines(globals),
    '',
    style.bold('Configuration:'),
    '  flags > environment (GANTRY_URL, GANTRY_TOKEN, GANTRY_PRINCIPAL, GANTRY_FUNCTION_KEY) > config file',
    '  ($GANTRY_CONFIG, else ~/.config/gantry/config.json: {"url": ..., "token": ..., "principal": ...})',
    '  > the token gantry login cached for the URL (~/.config/gantry/tokens.json)',
    '',
    style.bold('Exit codes:'),
    ...exitCodeLines(),
    '',
    `Run ${style.bold('gantry <command> --help')} for a command's flags and examples. Full guide: docs/cli.md.`,
  ];
}

export function commandHelp(command: Command, globals: readonly FlagSpec[], style: Style): string[] {
  return [
    `${style.bold(command.usage)}`,
    '',
    ...command.description.map((l) => `  ${l}`),
    ...(command.flags.length > 0 ? ['', style.bold('Flags:'), ...flagLines(command.flags)] : []),
    '',
    style.bold('Global flags:'),
    ...flagLines(globals),
    ...(command.examples.length > 0
      ? ['', style.bold('Examples:'), ...command.examples.map((e) => `  ${e}`)]
      : []),
  ];
}
