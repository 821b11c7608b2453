/**
 * DOM building without innerHTML: text always goes in through text nodes, so no value from the API can
 * become markup.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

function setAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

/** An HTML element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element (presentation attributes only; CSP forbids inline style). */
export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/**
 * Replaces a container's content. If focus was inside it on an element with `data-focus-key`, the new
 * element with the same key gets focus back, so a live update does not throw a keyboard user out.
 */
export function replaceKeepingFocus(container: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute('data-focus-key') : null;
  const open = new Set(
    [...container.querySelectorAll('details[open][data-focus-key]')].map((d) =>
      d.getAttribute('data-focus-key'),
    ),
  );
  container.replaceChildren();
  append(container, children);
  for (const d of container.querySelectorAll('details[data-focus-key]'))
    if (open.has(d.getAttribute('data-focus-key'))) d.setAttribute('open', '');
  if (key === null) return;
  const again = [...container.querySelectorAll('[data-focus-key]')].find(
    (n) => n.getAttribute('data-focus-key') === key,
  );
  if (again instanceof HTMLElement || again instanceof SVGElement) again.focus();
}

/** Updates a section only when what it shows changed (a poll usually changes nothing). */
export function patch(container: HTMLElement, key: string, render: () => Child[]): void {
  if (container.dataset.renderKey === key) return;
  container.dataset.renderKey = key;
  replaceKeepingFocus(container, ...render());
}

/** Says something to screen readers through the page's polite live region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = text), 50);
}

/** A `<time>` element: the UTC text shown, the full instant machine-readable and on hover. */
export function time(iso: string, text: string): HTMLTimeElement {
  return h('time', { datetime: iso, title: iso }, text);
}

/** A verdict badge whose meaning is in its text, not only its colour. */
export function verdictBadge(verdict: string | undefined): HTMLElement | null {
  if (!verdict) return null;
  return h('span', { class: `badge verdict-${verdict}` }, verdict);
}
