import type { FlagSpec } from '../args.js';
import { actions } from './actions.js';
import { analyse } from './analyse.js';
import { config } from './config.js';
import { list, status } from './deployments.js';
import { init } from './init.js';
import { login, logout } from './login.js';
import { rejudge } from './rejudge.js';
import { retry } from './retry.js';
import { sandbox } from './sandbox.js';
import { releases, rollback, service, services, trigger } from './services.js';
import type { Command } from './types.js';
import { watch } from './watch.js';
import { whoami } from './whoami.js';

/** In the order `gantry --help` lists them. */
export const COMMANDS: readonly Command[] = [
  status,
  list,
  watch,
  ...actions,
  retry,
  trigger,
  services,
  service,
  releases,
  rollback,
  rejudge,
  analyse,
  whoami,
  login,
  logout,
  config,
  sandbox,
  init,
];

export const findCommand = (name: string): Command | undefined => COMMANDS.find((c) => c.name === name);

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'url',
    kind: 'string',
    value: '<url>',
    description: 'Gantry base URL (env GANTRY_URL; default http://localhost:7071)',
  },
  {
    name: 'token',
    kind: 'string',
    value: '<token>',
    description: 'bearer token for App Service authentication (env GANTRY_TOKEN; default: gantry login)',
  },
  {
    name: 'principal',
    kind: 'string',
    value: '<name[:groups[:roles]]>',
    description:
      'act as this user on a local dev host, e.g. ada:devops-team:Operator,Approver (env GANTRY_PRINCIPAL)',
  },
  {
    name: 'as',
    kind: 'string',
    value: '<name>',
    description: 'act as another development principal of a local host (env GANTRY_AS)',
  },
  {
    name: 'function-key',
    kind: 'string',
    value: '<key>',
    description: 'function key sent as x-functions-key (env GANTRY_FUNCTION_KEY)',
  },
  { name: 'json', kind: 'boolean', description: 'machine-readable JSON on stdout' },
  {
    name: 'no-color',
    kind: 'boolean',
    description: 'no colours (also when NO_COLOR is set or stdout is not a terminal)',
  },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show help' },
  { name: 'version', short: 'V', kind: 'boolean', description: 'print the CLI version' },
];
