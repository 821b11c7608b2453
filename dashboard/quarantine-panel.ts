/**
 * The service board's quarantine and hold panel: digests a rollback quarantined, the lane's hold, and
 * (for Operators) a reason field and a Lift button for each. Re-rendered only when they change, so a
 * reason being typed survives the board's polling.
 */
import { ApiError, liftHold, liftQuarantine } from './api.js';
import { announce, h, patch, time } from './dom.js';
import { formatAge, shortDigest } from './format.js';
import { serverNow } from './api.js';

interface Lift {
  by: string;
  reason: string;
  at: string;
}
export interface QuarantineView {
  quarantined: Array<{
    digest: string;
    deploymentId: string;
    reason: string;
    at: string;
    refusals?: { count: number };
  }>;
  liftedQuarantine: Array<{ digest: string; deploymentId: string; lifted?: Lift }>;
  hold: { deploymentId: string; reason: string; at: string; lifted?: Lift } | null;
}

const runLink = (id: string) => h('a', { href: `#/deployments/${encodeURIComponent(id)}` }, id);
const ago = (iso: string) => time(iso, formatAge(serverNow() - Date.parse(iso)));

/** A reason field and a Lift button; `send` performs the lift. */
function liftForm(key: string, label: string, send: (reason: string) => Promise<unknown>, done: () => void) {
  const id = `lift-${key.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const input = h('input', { id, type: 'text', maxlength: 2000, 'data-lift-reason': key });
  const error = h('span', { class: 'action-error', role: 'alert' });
  const button = h('button', { type: 'button', class: 'button', 'data-lift': key }, label);
  button.addEventListener('click', () => {
    void (async () => {
      error.textContent = '';
      if (!input.value.trim()) {
        error.textContent = 'A reason is required to lift.';
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        await send(input.value.trim());
        announce(`${label}: done.`);
        done();
      } catch (e) {
        error.textContent = e instanceof ApiError ? `${e.message} (${e.code})` : 'The request failed.';
      } finally {
        button.disabled = false;
      }
    })();
  });
  return h('span', { class: 'lift' }, h('label', { for: id }, 'Reason '), input, ' ', button, ' ', error);
}

export function quarantinePanel(service: string, onDone: () => void) {
  const element = h('section', { class: 'panel board-quarantine', 'aria-labelledby': 'quarantine-h' });
  function update(view: QuarantineView | undefined, operator: boolean): void {
    const q = view ?? { quarantined: [], liftedQuarantine: [], hold: null };
    patch(element, JSON.stringify([q, operator]), () => [
      h('h2', { id: 'quarantine-h' }, 'Quarantine and hold'),
      q.hold && !q.hold.lifted
        ? h(
            'p',
            { 'data-lane-hold': q.hold.deploymentId },
            'The lane holds new pushes: ',
            q.hold.reason,
            ' (since ',
            ago(q.hold.at),
            ') ',
            operator ? liftForm('hold', 'Lift hold', (r) => liftHold(service, r), onDone) : null,
          )
        : h(
            'p',
            { class: 'hint' },
            q.hold?.lifted
              ? `Hold lifted by ${q.hold.lifted.by}: ${q.hold.lifted.reason}`
              : 'The lane is not held.',
          ),
      q.quarantined.length === 0
        ? h('p', { class: 'empty' }, 'No quarantined digest.')
        : h(
            'ul',
            {},
            ...q.quarantined.map((x) =>
              h(
                'li',
                { 'data-quarantined': x.digest },
                h('code', { class: 'digest' }, shortDigest(x.digest)),
                ' rolled back in ',
                runLink(x.deploymentId),
                ` · ${x.reason} · `,
                ago(x.at),
                x.refusals ? ` · refused ${x.refusals.count}×` : '',
                ' ',
                operator
                  ? liftForm(x.digest, 'Lift quarantine', (r) => liftQuarantine(service, x.digest, r), onDone)
                  : null,
              ),
            ),
          ),
      ...q.liftedQuarantine
        .slice(0, 3)
        .map((x) =>
          h(
            'p',
            { class: 'hint', 'data-lifted': x.digest },
            `${shortDigest(x.digest)} lifted by ${x.lifted?.by ?? '?'}: ${x.lifted?.reason ?? ''}`,
          ),
        ),
    ]);
  }
  return { element, update };
}
