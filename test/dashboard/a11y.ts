import type { Page } from 'playwright-core';

/*
 * In-page checks, passed to the browser as source text: a function compiled by the test runner may carry
 * helper calls that do not exist in the page.
 */

/** The focused element as `tag#id "name"`, flagged when it has no visible focus indicator. */
const DESCRIBE_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  const st = getComputedStyle(el);
  const visible = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
  const label = el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('aria-label') || el.textContent;
  const name = (label || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + name + '"' + (visible ? '' : ' [no visible focus]');
})()`;

/**
 * WCAG 2 contrast of every visible text run (HTML colour or SVG fill) against the first opaque background
 * behind it: 4.5:1, or 3:1 for large text. Returns the failures.
 */
const CONTRAST = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!el || seen.has(el) || !t.textContent.trim()) continue;
    seen.add(el);
    const st = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || st.visibility === 'hidden' || box.bottom < 0) continue;
    const fg = parse(el instanceof SVGElement ? st.fill : st.color);
    if (!fg) continue;
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(st.fontSize);
    const need = size >= 24 || (Number(st.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) failures.push(el.tagName + '.' + el.getAttribute('class') + ' "' + t.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return failures;
})()`;

/** Presses Tab `count` times and describes where focus lands each time. */
export async function tabSequence(page: Page, count: number): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate<string>(DESCRIBE_FOCUS));
  }
  return stops;
}

export const focused = (page: Page): Promise<string> => page.evaluate<string>(DESCRIBE_FOCUS);

export const contrastFailures = (page: Page): Promise<string[]> => page.evaluate<string[]>(CONTRAST);
