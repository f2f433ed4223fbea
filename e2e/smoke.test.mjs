// End-to-end smoke test of the built site (dist/), in Debian's headless Chromium.
//
//   BASE_URL=http://127.0.0.1:PORT/sub/app/ node --test e2e/
//
// scripts/test.sh builds dist/, serves it under a sub-path and runs this. Uses playwright-core
// (no bundled browser; nothing is downloaded) with /usr/bin/chromium (override: CHROMIUM) and a
// fresh temporary profile per test. Screenshot: e2e/screenshots/smoke.png (override: SHOT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOT = process.env.SHOT ?? path.join(HERE, 'screenshots', 'smoke.png');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens a fresh Chromium profile, runs `fn(page, log)`, and always cleans up. */
async function withBrowser(options, fn) {
  assert.ok(BASE_URL, 'set BASE_URL to the served dist/ (scripts/test.sh does this)');
  const profile = await mkdtemp(path.join(tmpdir(), 'stsplay-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 640 },
    ...options,
  });
  const log = { consoleErrors: [], pageErrors: [], failed: [], external: [], requests: [] };
  const origin = new URL(BASE_URL).origin;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') log.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => log.pageErrors.push(String(err)));
    context.on('request', (req) => {
      log.requests.push(req.url());
      const url = new URL(req.url());
      // data: (the favicon) never leaves the page; anything else must be our own origin.
      if (url.protocol !== 'data:' && url.origin !== origin) log.external.push(req.url());
    });
    context.on('requestfailed', (req) =>
      log.failed.push(`${req.url()}: ${req.failure()?.errorText}`),
    );
    context.on('response', (res) => {
      if (res.status() >= 400) log.failed.push(`${res.url()}: HTTP ${res.status()}`);
    });
    await fn(page, log);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

function assertCleanLog(log, { jsDisabled = false } = {}) {
  assert.deepEqual(log.consoleErrors, [], 'console errors (CSP violations show up here too)');
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
  // With JavaScript off, Chromium cancels the glue's modulepreload and reports it as "csp".
  const failed = jsDisabled ? log.failed.filter((f) => !/\.js: csp$/.test(f)) : log.failed;
  assert.deepEqual(failed, [], 'failed requests');
  assert.deepEqual(log.external, [], 'requests that left the site');
}

test('the app loads, runs the engine, and stays offline and error-free', async () => {
  await withBrowser({}, async (page, log) => {
    const response = await page.goto(BASE_URL, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    const app = page.locator('#app');
    await app.locator('.workspace[data-engine=ready]').waitFor({ timeout: 15_000 });

    assert.equal(await page.title(), 'StatefulSet Playground');
    await assert.doesNotReject(
      page.getByRole('heading', { level: 1, name: 'StatefulSet Playground' }).waitFor({ timeout: 1_000 }),
    );
    assert.equal(await page.locator('.loading').count(), 0, 'loading placeholder was replaced');
    assert.equal(await page.locator('#fatal-error').count(), 0, 'no panic banner');

    const csp = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    assert.match(csp ?? '', /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline/);

    assert.ok(log.requests.some((u) => u.endsWith('.wasm')), 'the wasm was fetched');
    await page.waitForLoadState('networkidle');
    assertCleanLog(log);

    await mkdir(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
  });
});

test('without JavaScript the page is not blank: placeholder and <noscript> message', async () => {
  await withBrowser({ javaScriptEnabled: false }, async (page, log) => {
    await page.goto(BASE_URL, { waitUntil: 'load' });
    const body = await page.locator('body').innerText();
    assert.match(body, /Loading StatefulSet Playground/);
    assert.match(body, /needs JavaScript and WebAssembly/);
    assertCleanLog(log, { jsDisabled: true });
  });
});
