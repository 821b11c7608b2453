/**
 * Approve / Resume / Retry / Reject / Abort for one deployment. Each button is shown only when `GET /api/me`
 * says the caller's request would be accepted; the endpoint still decides.
 */
import { act, ApiError } from './api.js';
import { announce, h } from './dom.js';
import { BUTTONS, offeredActions, retryRoute } from './action-buttons.js';
import type { CallerView } from './types.js';

export interface ActionsPanel {
  element: HTMLElement;
  update(caller: CallerView): void;
}

/** `onDone` refreshes the page; `focusAfter` receives focus when the pressed button may disappear. */
export function actionsPanel(
  id: string,
  onDone: () => void,
  focusAfter: () => HTMLElement | null,
): ActionsPanel {
  const comment = h('textarea', {
    id: 'action-comment',
    rows: 2,
    maxlength: 2000,
    'aria-describedby': 'action-comment-hint',
  });
  const error = h('p', { class: 'action-error', role: 'alert' });
  const note = h('p', { class: 'actions-note' });
  const buttons = BUTTONS.map((b) => {
    const button = h(
      'button',
      { type: 'button', class: `button ${b.cls}`, 'data-action': b.action },
      b.label,
    );
    button.addEventListener('click', () => void run(b));
    return button;
  });
  const element = h(
    'section',
    { class: 'panel actions', 'aria-labelledby': 'actions-h', hidden: true },
    h('h2', { id: 'actions-h' }, 'Decide'),
    note,
    h('label', { for: 'action-comment' }, 'Comment'),
    h('span', { id: 'action-comment-hint', class: 'hint' }, ' (required to reject or abort)'),
    comment,
    h('div', { class: 'buttons' }, ...buttons),
    error,
  );

  async function run(b: (typeof BUTTONS)[number]): Promise<void> {
    error.textContent = '';
    if (b.needsComment && !comment.value.trim()) {
      error.textContent = `A comment is required to ${b.action}.`;
      comment.focus();
      return;
    }
    buttons.forEach((x) => (x.disabled = true));
    try {
      const body = await act(id, b.action, comment.value);
      comment.value = '';
      announce(`${b.done}.`);
      const next = b.action === 'retry' ? retryRoute(body) : undefined;
      // A retry is a new run: follow it on its own page (the old run's page would show nothing new).
      if (next) location.hash = next;
      else {
        focusAfter()?.focus();
        onDone();
      }
    } catch (e) {
      error.textContent =
        e instanceof ApiError
          ? `${e.message} (${e.code})`
          : 'The request failed; check the connection and retry.';
    } finally {
      buttons.forEach((x) => (x.disabled = false));
    }
  }

  function update(caller: CallerView): void {
    const actions = caller.deployment?.actions ?? {};
    const offered = offeredActions(caller);
    buttons.forEach((button, i) => {
      button.hidden = !offered.includes(BUTTONS[i]?.action ?? 'approve');
    });
    element.hidden = offered.length === 0;
    const approve = actions.approve;
    // Say why approving is not offered while a request is open, so a missing button is not a mystery.
    note.textContent =
      caller.deployment?.state === 'AwaitingApproval' && approve && !approve.allowed && approve.reason
        ? `You cannot approve: ${approve.reason}.`
        : '';
  }

  return { element, update };
}
