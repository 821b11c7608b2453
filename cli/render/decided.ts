import type { DecidedBy } from '../../shared/domain/decided-by.js';
import { bounds, plain, time, value } from '../format.js';
import { verdictStyle, type Style } from '../style.js';
import { formatPairs } from '../table.js';

/** `gantry status` of a rolled-back or failed deployment: the deciding evidence, before anything else. */
export function decidedLines(d: DecidedBy | undefined, style: Style): string[] {
  if (!d) return [];
  const b = bounds(d.min, d.max);
  return [
    '',
    style.bold('Why it stopped'),
    ...formatPairs([
      ['decided by', `${plain(d.kind)} ${plain(d.name)}  ${verdictStyle(style, d.verdict)}`],
      ['value', d.value !== undefined ? `${value(d.value)}${b ? ` (${b})` : ''}` : undefined],
      ['weight', d.weight !== undefined ? `${d.weight}%` : undefined],
      ['reason', d.reason ? plain(d.reason) : undefined],
      ['query', d.query ? plain(d.query) : undefined],
      ['at', time(d.evaluatedAt)],
    ]),
  ];
}
