import type { TimelineEntry } from '../../shared/domain/deployment.js';
import { TERMINAL_STATES } from '../../shared/domain/deployment.js';
import { DEPLOYMENT_STATES } from '../../shared/domain/state-machine.js';
import { durationFlag, positionals, stringFlag } from '../args.js';
import { ApiError, CliError, EXIT, OUTCOME_EXIT, usageError } from '../errors.js';
import { duration, plain } from '../format.js';
import { entryLine } from '../render/timeline.js';
import { currentWeight, liveLabel, type DeploymentView } from '../render/status.js';
import { Spinner } from '../spinner.js';
import { stateStyle } from '../style.js';
import { deploymentPath } from '../paths.js';
import type { Command, CommandContext } from './types.js';

const MAX_RETRIES = 5;

/** Worth another poll: the host restarting or a proxy hiccup, not an answer about the deployment. */
const transient = (error: unknown): boolean =>
  error instanceof CliError &&
  (error.exitCode === EXIT.unreachable || (error instanceof ApiError && error.status >= 500));

/** A progress reporter: a redrawn line on a terminal, plain lines in a pipe, NDJSON with --json. */
interface Reporter {
  entry(e: TimelineEntry): void;
  progress(view: DeploymentView, elapsedMs: number): void;
  retry(error: CliError, attempt: number): void;
  done(view: DeploymentView, code: number): void;
  timedOut(view: DeploymentView, afterMs: number): void;
  /** `--until <state>`: the deployment is there. */
  reached(view: DeploymentView): void;
  close(): void;
}

function reporter(ctx: CommandContext): Reporter {
  const { out } = ctx;
  const { style } = out;
  let lastProgress = '';
  if (out.json)
    return {
      entry: (entry) => out.event({ type: 'entry', entry }),
      progress: (v) => {
        // Only changes: a script reading the stream wants one line per step, not one per poll.
        const event = { type: 'progress', state: v.deployment.state, weight: currentWeight(v), live: v.live };
        const key = JSON.stringify(event);
        if (key !== lastProgress) out.event(event);
        lastProgress = key;
      },
      retry: (e, attempt) => out.event({ type: 'retry', attempt, code: e.code, message: e.message }),
      done: (v, code) => out.event({ type: 'done', deployment: v.deployment, exitCode: code }),
      timedOut: (v) => out.event({ type: 'timeout', deployment: v.deployment, exitCode: EXIT.timeout }),
      reached: (v) => out.event({ type: 'reached', deployment: v.deployment, exitCode: EXIT.ok }),
      close: () => {},
    };
  const spinner = out.tty ? new Spinner(out) : undefined;
  spinner?.start(`connecting to ${plain(ctx.api.settings.url.host)}…`);
  const label = (v: DeploymentView, ms: number) =>
    [
      stateStyle(style, plain(v.deployment.state)),
      `${currentWeight(v)}%`,
      liveLabel(v.live),
      style.dim(duration(ms)),
    ]
      .filter(Boolean)
      .join('  ');
  const say = (line: string) => (spinner ? spinner.print(line) : out.line(line));
  return {
    entry: (e) => say(entryLine(e, style)),
    progress: (v, ms) => (spinner ? spinner.update(label(v, ms)) : undefined),
    retry: (e, attempt) => say(style.yellow(`${e.message} Retrying (${attempt}/${MAX_RETRIES}).`)),
    done: (v, code) => {
      spinner?.stop();
      const d = v.deployment;
      const why = d.reason ? `: ${plain(d.reason)}` : '';
      out.line(
        `${style.bold(plain(d.id))} finished ${stateStyle(style, plain(d.state))}${why} (exit ${code})`,
      );
    },
    timedOut: (v, ms) => {
      spinner?.stop();
      out.line(
        `${plain(v.deployment.id)} is still ${plain(v.deployment.state)} after ${duration(ms)} (exit ${EXIT.timeout})`,
      );
    },
    reached: (v) => {
      spinner?.stop();
      out.line(
        `${style.bold(plain(v.deployment.id))} is ${stateStyle(style, plain(v.deployment.state))} (exit 0)`,
      );
    },
    close: () => spinner?.stop(),
  };
}

/** Polls the deployment, printing each new timeline entry, until it reaches a terminal state. */
async function follow(
  ctx: CommandContext,
  id: string,
  intervalMs: number,
  timeoutMs?: number,
  until?: string,
): Promise<number> {
  const report = reporter(ctx);
  const started = ctx.now();
  const seen = new Set<number>();
  let failures = 0;
  let reached = false;
  try {
    for (;;) {
      let view: DeploymentView;
      try {
        view = (await ctx.api.get<DeploymentView>(deploymentPath(id))).body;
        failures = 0;
        reached = true;
      } catch (error) {
        // A failure on the first poll is a wrong URL or a host that is down: say so at once.
        if (!transient(error) || !reached || ++failures > MAX_RETRIES) throw error;
        report.retry(error as CliError, failures);
        await ctx.sleep(intervalMs);
        continue;
      }
      const state = view.deployment.state;
      const elapsed = ctx.now() - started;
      if (!TERMINAL_STATES.has(state)) report.progress(view, elapsed);
      for (const e of [...view.timeline].sort((a, b) => a.seq - b.seq))
        if (!seen.has(e.seq)) {
          seen.add(e.seq);
          report.entry(e);
        }
      if (until !== undefined && state === until) {
        report.reached(view);
        return EXIT.ok;
      }
      if (TERMINAL_STATES.has(state)) {
        const code = OUTCOME_EXIT[state] ?? EXIT.api;
        report.done(view, code);
        return code;
      }
      if (timeoutMs !== undefined && elapsed >= timeoutMs) {
        report.timedOut(view, elapsed);
        return EXIT.timeout;
      }
      await ctx.sleep(intervalMs);
    }
  } finally {
    report.close();
  }
}

export const watch: Command = {
  name: 'watch',
  summary: 'follow a deployment until it finishes; the exit code tells the outcome',
  usage: 'gantry watch <id> [--interval <duration>] [--timeout <duration>] [--until <state>]',
  description: [
    'Polls the deployment and prints every new timeline entry (transitions, gates, weight steps, checks)',
    'until it reaches a terminal state. On a terminal the bottom line is redrawn with the live stage,',
    'weight and elapsed time. With --json each entry is one JSON line (NDJSON), ending with a "done" line.',
    'Exit codes: 0 Succeeded, 10 Failed, 11 RolledBack, 12 Cancelled, 13 Superseded, 4 --timeout passed,',
    '1 API error (e.g. unknown deployment), 3 Gantry unreachable (at the start, or after 5 retries).',
    'With --until <state> (e.g. AwaitingApproval) it stops with 0 once the deployment is in that state; a',
    'deployment that ends without passing through it exits with its outcome code.',
  ],
  flags: [
    {
      name: 'interval',
      short: 'i',
      kind: 'string',
      value: '<duration>',
      description: 'time between polls (default 5s)',
    },
    {
      name: 'timeout',
      kind: 'string',
      value: '<duration>',
      description: 'give up after this long, with exit code 4',
    },
    {
      name: 'until',
      kind: 'string',
      value: '<state>',
      description: 'stop with exit 0 once the deployment is in this state (e.g. AwaitingApproval)',
    },
  ],
  examples: [
    'gantry watch apigateway-1111aaaa2222 && echo released',
    'gantry watch apigateway-1111aaaa2222 --timeout 2h --json',
  ],
  async run(ctx) {
    const { id } = positionals('watch', ctx.args, ['id']);
    const interval = durationFlag(ctx.flags, 'interval') ?? 5000;
    if (interval < 10) throw usageError('--interval must be at least 10ms.');
    const until = stringFlag(ctx.flags, 'until');
    if (until !== undefined && !(DEPLOYMENT_STATES as string[]).includes(until))
      throw usageError(`--until must be a deployment state: ${DEPLOYMENT_STATES.join(', ')}.`);
    return follow(ctx, id as string, interval, durationFlag(ctx.flags, 'timeout'), until);
  },
};
