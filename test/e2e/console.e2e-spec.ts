import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { keptApiKey, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';
import { waitFor } from '../harness/wait-for.js';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const IP = '203.0.113.50';
const ACCOUNT = 'mallory';
const SUBJECT = `account-ip:${ACCOUNT}|${IP}`;
/** What a user waits for at most: "within seconds". */
const SOON = 10_000;

/**
 * The web console in a real Chromium against the embedded Warden, as an analyst uses it: sign in
 * with the key, watch an attack's ban appear live, find it, read its story, lift it with a reason
 * and see it leave the list and arrive in the live feed. Screenshots go to test/artifacts/; with
 * WARDEN_UPDATE_DOCS_SCREENSHOT=1 the live page's also to docs/console.png (the README's).
 */
describe('the web console at /ui, in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-console-'));
  let warden: WardenProcess;
  let key: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  const shot = (name: string, target: Page = page) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });

  async function attack(): Promise<void> {
    for (let n = 0; n < 5; n += 1) {
      const response = await fetch(`${warden.url}/v1/attempts?wait=verdict`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'failure', ip: IP, account: ACCOUNT }),
      });
      expect(response.status).toBe(200);
    }
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    warden = await startEmbeddedWarden(dataDir);
    key = keptApiKey(dataDir);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requested.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks for the key once and keeps it for the tab, not in the URL', async () => {
    await page.goto(`${warden.url}/ui`);
    await page.getByTestId('api-key').fill('not-the-key');
    await page.getByTestId('sign-in').click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor({ timeout: SOON });
    await page.getByTestId('api-key').fill(key);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('nav-live').waitFor({ timeout: SOON });
    // Page code as text: it runs in the browser, whose globals this file's types do not know.
    expect(await page.evaluate("sessionStorage.getItem('warden.apiKey')")).toBe(key);
    await page.reload();
    await page.getByTestId('nav-live').waitFor({ timeout: SOON });
    expect(requested.some((url) => url.includes(key))).toBe(false);
  });

  it("shows an attack's ban in the live feed within seconds, with its rule counted", async () => {
    await attack();
    await page.locator(`[data-testid="incident"][data-type="ban_imposed"][data-subject="${SUBJECT}"]`).waitFor({ timeout: SOON });
    await page.locator('[data-testid="ban-counter"][data-rule="account-ip-failures"]').waitFor({ timeout: SOON });
    await page.getByTestId('per-minute-chart').locator('canvas').waitFor({ timeout: SOON });
    await shot('console-live');
  });

  it('finds the ban by search, with its Retry-After counting down', async () => {
    await page.getByTestId('nav-bans').click();
    await page.getByTestId('ban-search').fill(ACCOUNT);
    const row = page.locator(`[data-testid="ban-row"][data-subject="${SUBJECT}"]`);
    await row.waitFor({ timeout: SOON });
    expect(await page.getByTestId('ban-row').count()).toBe(1);
    const retryAfter = row.getByTestId('retry-after');
    const first = await retryAfter.textContent();
    expect(first).toMatch(/^\d+ (s|min)/);
    // (Not page.waitForFunction: the console's CSP forbids the eval it needs.)
    await waitFor('the Retry-After to count down', async () => ((await retryAfter.textContent()) !== first ? true : undefined), SOON, 200);
    await page.getByTestId('ban-search').fill('');
    await page.getByTestId('ban-search').fill(ACCOUNT);
    await shot('console-bans');
  });

  it("opens the ban's story: rule, policy version, level history, attempts and incidents", async () => {
    await page.locator(`[data-testid="ban-row"][data-subject="${SUBJECT}"] a.subject`).click();
    await page.getByTestId('story').waitFor({ timeout: SOON });
    expect(await page.getByTestId('story-rule').textContent()).toBe('account-ip-failures');
    expect(await page.getByTestId('timeline').textContent()).toContain('ban imposed');
    expect(await page.getByTestId('story').textContent()).toContain('Attempts that caused it (5)');
    await shot('console-story');
  });

  it('unbans from the row with a reason: the ban leaves the list and the unban shows in the live feed', async () => {
    await page.getByTestId('nav-bans').click();
    await page.getByTestId('ban-search').fill(ACCOUNT);
    const row = page.locator(`[data-testid="ban-row"][data-subject="${SUBJECT}"]`);
    await row.getByTestId('unban').click();
    await row.getByTestId('unban-reason').fill('helpdesk verified mallory');
    await row.getByTestId('unban-confirm').click();
    await page.getByTestId('no-bans').waitFor({ timeout: SOON });
    await page.getByTestId('nav-live').click();
    const unban = page.locator(`[data-testid="incident"][data-type="manual_unban"][data-subject="${SUBJECT}"]`);
    await unban.waitFor({ timeout: SOON });
    expect(await unban.textContent()).toContain('helpdesk verified mallory');
    await shot('console-live-unban');
    // The README's picture, retaken on demand so that a test run leaves the tree clean.
    if (process.env.WARDEN_UPDATE_DOCS_SCREENSHOT === '1') await page.screenshot({ path: join(process.cwd(), 'docs', 'console.png') });
  });

  it('verifies the audit chain from the Audit page', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('verify').click();
    expect(await page.getByTestId('verify-result').textContent()).toMatch(/^Intact: \d+ entries checked/);
  });

  it('is usable on a phone, where a ban by hand from the form shows in the list', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    phone.on('request', (request) => requested.push(request.url()));
    await phone.goto(`${warden.url}/ui`);
    await phone.getByTestId('api-key').fill(key);
    await phone.getByTestId('sign-in').click();
    await phone.getByTestId('nav-bans').click();
    await phone.getByTestId('ban-target').fill('198.51.100.77');
    await phone.getByTestId('ban-duration').fill('10m');
    await phone.getByTestId('ban-reason').fill('scanner seen in the WAF logs');
    await phone.getByTestId('ban-submit').click();
    const row = phone.locator('[data-testid="ban-row"][data-subject="ip:198.51.100.77"]');
    await row.waitFor({ timeout: SOON });
    expect(await row.textContent()).toMatch(/manual by local.*(9 min \d+ s|10 min)429/s);
    // Nothing wider than the screen: no sideways scrolling.
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('console-phone-bans', phone);
    await phone.close();
  });

  it('loaded nothing from anywhere but Warden', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => !url.startsWith(`${warden.url}/`))).toEqual([]);
  });
});
