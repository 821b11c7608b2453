import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { ringInstanceId } from '../../shared/domain/rings.js';
import { PipelineHarness, principalHeaders, reader } from '../e2e/pipeline-harness.js';
import { submitTrain, trainYaml, TUESDAY_03 } from '../e2e/train-fixture.js';
import { ARTEFACTS, BROWSER_MISSING, CHROMIUM } from './harness.js';

/**
 * The ring view in Chromium: a two-ring ApiGateway (EU West canary, EU North rollout after a soak) is
 * driven on the virtual clock with the compiled app and fake outside systems, and both the service page
 * and the deployment page show which digest runs in each ring, mid-train and after the release. The
 * example configuration has no train, so this test writes its own (the same one test/e2e/rings.test.ts
 * runs) and has its own world; dashboard.test.ts's ordered tests are left alone.
 */
const config = join(mkdtempSync(join(tmpdir(), 'gantry-dashrings-')), 'gantry.yaml');
writeFileSync(config, trainYaml());

let azurite: AzuriteHandle;
let x: PipelineHarness;
let browser: Browser | undefined;
let id: string;
let d: string;

const short = (digestText: string): string => digestText.slice('sha256:'.length, 'sha256:'.length + 12);
/** The page polls every few seconds: wait on the DOM condition, never on a timer. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

/** Each row of a ring table as [ring (row header), its cells' text]. */
interface Cell {
  textContent: string | null;
}

async function rows(page: Page, table: string): Promise<string[][]> {
  // Runs in the page; this project's test types have no DOM, so the row is typed by what is read.
  return page
    .locator(`table.${table} tbody tr`)
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from((tr as unknown as { children: ArrayLike<Cell> }).children, (c) =>
          (c.textContent ?? '').trim(),
        ),
      ),
    );
}

async function open(hash: string): Promise<Page> {
  if (!browser) throw new Error(`no browser: install Debian chromium (${CHROMIUM})`);
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    extraHTTPHeaders: principalHeaders(reader),
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${x.host.url}/api/dashboard${hash}`);
  return page;
}

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  x = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: TUESDAY_03,
    configPath: config,
  });
  if (!BROWSER_MISSING)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  ({ id, digest: d } = await submitTrain(x));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await x?.close();
  await azurite?.stop();
});

describe.skipIf(BROWSER_MISSING)('the ring view in Chromium', () => {
  it('mid-train: EU West runs the new digest, EU North soaks on the previous release', async () => {
    // Virtual time runs until EU North's soak starts, then stands still while the browser reads.
    await x.host.waitFor(ringInstanceId(id, 'eu-north'), (s) => {
      const status = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
      return s.runtimeStatus === 'Running' && (status.waitingFor ?? '').startsWith('soak in');
    });
    await x.host.idle();

    const run = await open(`#/deployments/${id}`);
    await eventually(() => rows(run, 'run-rings')).toEqual([
      [
        'eu-west',
        'westeurope',
        'released',
        short(d),
        expect.any(String),
        expect.any(String),
        expect.any(String),
      ],
      [
        'eu-north',
        'northeurope',
        'soaking',
        'previous release',
        expect.stringMatching(/^hearloveen-aks-eun\//),
        '',
        '',
      ],
    ]);
    const table = run.locator('table.run-rings');
    expect(await table.locator('caption').textContent()).toBe('Rings of this run: which version runs where');
    expect(await table.locator('tbody th[scope="row"]').allTextContents()).toEqual(['eu-west', 'eu-north']);
    expect(await table.locator('tr[data-ring="eu-west"] code').getAttribute('title')).toBe(d);
    await run.screenshot({ path: path.join(ARTEFACTS, 'rings-run-soaking.png'), fullPage: true });
    await run.context().close();
  }, 120_000);

  it('after the release: both tables show the digest in both rings, and the board links to the run', async () => {
    expect((await x.finish(id)).deployment.state).toBe('Succeeded');
    const board = await open('#/services/ApiGateway');
    await eventually(() => rows(board, 'board-rings')).toEqual([
      ['eu-west', 'westeurope', 'released', short(d), expect.any(String)],
      ['eu-north', 'northeurope', 'released', short(d), expect.stringMatching(/^hearloveen-aks-eun\//)],
    ]);
    expect(await board.locator('table.board-rings caption').textContent()).toBe(
      'Rings: which version runs where',
    );
    await board.screenshot({ path: path.join(ARTEFACTS, 'rings-board.png'), fullPage: true });
    // The digest is a link to the run: reachable and followed with the keyboard.
    const link = board.locator('tr[data-ring="eu-north"] a');
    await link.focus();
    await board.keyboard.press('Enter');
    await eventually(() => board.evaluate('location.hash')).toBe(`#/deployments/${id}`);
    const cells = await (async () => {
      await eventually(() => board.locator('table.run-rings tbody tr').count()).toBe(2);
      return rows(board, 'run-rings');
    })();
    expect(cells.map((r) => r.slice(0, 4))).toEqual([
      ['eu-west', 'westeurope', 'released', short(d)],
      ['eu-north', 'northeurope', 'released', short(d)],
    ]);
    // Each ring started and ended; EU North only after EU West ended (machine-readable times).
    const times = await board
      .locator('table.run-rings time')
      .evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime') ?? '')));
    expect(times).toHaveLength(4);
    const [westStart = 0, westEnd = 0, northStart = 0, northEnd = 0] = times;
    expect(westStart).toBeLessThanOrEqual(westEnd);
    expect(northStart).toBeGreaterThanOrEqual(westEnd);
    expect(northEnd).toBeGreaterThanOrEqual(northStart);
    await board.context().close();
  }, 120_000);
});
