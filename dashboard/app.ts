/** Entry module: the hash router, the signed-in line and the skip link. */
import { onCaller } from './api.js';
import { backtestPage } from './backtest-page.js';
import { deploymentPage } from './deployment-page.js';
import { listPage } from './list-page.js';
import { servicePage } from './service-page.js';
import type { Page } from './page.js';
import { parseRoute, type Route } from './route.js';

const main = document.getElementById('main') as HTMLElement;
const who = document.getElementById('who');
let current: { route: Route; page: Page } | undefined;

function go(navigated: boolean): void {
  const route = parseRoute(location.hash);
  if (!route) return;
  if (route.kind === 'list' && current?.route.kind === 'list' && current.page.update) {
    current.page.update(route.params);
    current.route = route;
    return;
  }
  current?.page.unmount();
  const page =
    route.kind === 'list'
      ? listPage(main, route.params)
      : route.kind === 'service'
        ? servicePage(main, route.name)
        : route.kind === 'backtest'
          ? backtestPage(main, route.name, route.params)
          : deploymentPage(main, route.id);
  current = { route, page };
  // After a navigation, start keyboard and screen-reader users at the new page's heading.
  if (navigated) document.getElementById('page-title')?.focus();
}

onCaller((view) => {
  if (!who) return;
  const p = view.principal;
  // The roles decide what the page can show and offer; say them, since a missing one explains a refusal.
  const roles = (p?.roles ?? []).map((r) => r.replace(/^Gantry\./, '')).join(', ');
  who.textContent =
    view.authenticated && p ? `Signed in as ${p.name} · ${roles || 'no Gantry role'}` : 'Not signed in';
  who.title = p && p.groups.length > 0 ? `Groups: ${p.groups.join(', ')}` : '';
});

document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  // The hash is the router's; move focus without touching it.
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => go(true));
go(false);
