/**
 * The contract between Gantry's outbound chat messages and its inbound Slack interactivity: the buttons
 * a message carries are identified by these `action_id`s, and each button's `value` is the deployment id.
 * The inbound handler (block actions) keys on exactly these constants; change both sides together.
 */
export const CHAT_ACTIONS = {
  approve: 'gantry_approve',
  reject: 'gantry_reject',
  abort: 'gantry_abort',
} as const;

export type ChatAction = keyof typeof CHAT_ACTIONS;
export type ChatActionId = (typeof CHAT_ACTIONS)[ChatAction];

/** The action a Slack `action_id` stands for, or undefined for one Gantry did not send. */
export function chatActionOf(actionId: string): ChatAction | undefined {
  const found = Object.entries(CHAT_ACTIONS).find(([, id]) => id === actionId);
  return found?.[0] as ChatAction | undefined;
}

/** The events a route can subscribe a channel to (the pipeline file's `notifications.routes[].events`). */
export const CHAT_EVENTS = [
  'queued',
  'awaiting-approval',
  'paused',
  'canary-step',
  'rolled-back',
  'failed',
  'succeeded',
  'incident',
] as const;

export type ChatEventKind = (typeof CHAT_EVENTS)[number];
