// End-to-end tests of the playground on the built site (dist/), in Debian's headless Chromium:
// the learner's story from the brief, plus screenshots at desktop and phone sizes, light and dark.
//
//   BASE_URL=http://127.0.0.1:PORT/sub/app/ node --test e2e/
//
// Screenshots go to e2e/screenshots/ (look at them: they are not compared automatically).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
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

/** A fresh Chromium profile (so fresh localStorage); `fn(page, log, context)`. */
async function withBrowser(options, fn) {
  assert.ok(BASE_URL, 'set BASE_URL to the served dist/ (scripts/test.sh does this)');
  const profile = await mkdtemp(path.join(tmpdir(), 'stsplay-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 720 },
    ...options,
  });
  const log = { errors: [], external: [] };
  const origin = new URL(BASE_URL).origin;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => m.type() === 'error' && log.errors.push(m.text()));
    page.on('pageerror', (e) => log.errors.push(String(e)));
    context.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== origin) log.external.push(r.url());
    });
    await fn(page, log, context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function open(page, url = BASE_URL) {
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('.workspace[data-engine=ready]').waitFor({ timeout: 20_000 });
}

// The learner's diagram: the start-up warm-up briefly draws another one off screen (`ui::warm`).
const DIAGRAM = '.workspace svg.diagram';
const readyPods = (page) => page.locator(DIAGRAM + ' g.pod.health-ready:not(.mini)');
const failedPods = (page) => page.locator(DIAGRAM + ' g.pod.health-failed');

async function console_(page, line) {
  const prompt = page.getByRole('textbox', { name: 'kubectl command' });
  await prompt.fill(line);
  await prompt.press('Enter');
}

async function stepUntil(page, predicate, max = 300) {
  const step = page.getByRole('button', { name: 'Step forward' });
  for (let i = 0; i < max; i++) {
    if (await predicate()) return i;
    await step.click();
  }
  assert.fail('condition not reached by stepping');
}

/** Polls until `locator` matches a count that satisfies `ok` (renders follow input events). */
async function waitCount(locator, ok, what) {
  let n;
  for (let i = 0; i < 100; i++) {
    n = await locator.count();
    if (ok(n)) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: count ${n}`);
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.waitForTimeout(700); // let CSS transitions finish
  await page.screenshot({ path: path.join(SHOTS, name) });
}

test('apply, step to three Ready, scale, step back, break a rollout, reload, share', async () => {
  let link;
  let scaledPosition;
  await withBrowser({}, async (page, log) => {
    await open(page);
    // The seed example is in the editor, with a hint of what to do.
    await assert.doesNotReject(page.getByText('Press Apply to create the StatefulSet').waitFor({ timeout: 2_000 }));
    assert.match(await page.getByRole('textbox', { name: 'YAML of myapp.yaml' }).inputValue(), /kind: StatefulSet/);
    await shot(page, 'start-1280x720-light.png');

    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('statefulset.apps/myapp created').waitFor();
    // Ordered creation: myapp-1 never exists before myapp-0 is Ready.
    const steps = await stepUntil(page, async () => (await readyPods(page).count()) === 3);
    assert.ok(steps > 3, `took ${steps} steps`);
    assert.equal(await page.locator(DIAGRAM + ' g.pvc').count(), 3, 'one claim per pod');
    await assert.doesNotReject(page.getByText(/myapp-2\.myapp\.default\.svc\.cluster\.local/).waitFor({ timeout: 1_000 }));
    // The events table is named for screen readers (its caption) and lists the controller's events.
    const events = page.getByRole('table', { name: 'Events, newest first' });
    await assert.doesNotReject(events.getByRole('cell', { name: 'SuccessfulCreate', exact: true }).first().waitFor({ timeout: 1_000 }));
    await shot(page, 'ready-1280x720-light.png');

    // Scale to 5 from the console, with Tab completion of the verb.
    const prompt = page.getByRole('textbox', { name: 'kubectl command' });
    await prompt.fill('kubectl sca');
    await prompt.press('Tab');
    assert.equal(await prompt.inputValue(), 'kubectl scale ');
    await console_(page, 'kubectl scale sts myapp --replicas=5');
    await page.getByText('statefulset.apps/myapp scaled').waitFor();
    await stepUntil(page, async () => (await readyPods(page).count()) === 5);
    assert.equal(await page.locator(DIAGRAM + ' g.pvc').count(), 5);

    // Step back (← key) until the scale is undone: the diagram shows three pods again.
    await page.locator('h1').click();
    for (let i = 0; i < 200 && (await page.locator(DIAGRAM + ' g.pod:not(.ghost)').count()) > 3; i++) {
      await page.keyboard.press('ArrowLeft');
    }
    assert.equal(await page.locator(DIAGRAM + ' g.pod:not(.ghost)').count(), 3);
    assert.equal(await readyPods(page).count(), 3);
    const pos = await page.locator('.timebar .position').innerText();
    // One more step back is before the scale: the console shows it as later on the timeline,
    // greyed, after a divider; stepping forward brings it back into the present.
    await page.keyboard.press('ArrowLeft');
    const future = page.locator('.console-out pre.future');
    await page.locator('.console-out pre.future', { hasText: 'statefulset.apps/myapp scaled' }).waitFor();
    assert.equal(await page.locator('.console-out .future-divider').count(), 1);
    await shot(page, 'console-future-1280x720-light.png');
    await page.keyboard.press('ArrowRight');
    await waitCount(future, (n) => n === 0, 'future lines after stepping forward');
    await page.keyboard.press('ArrowLeft');
    await waitCount(future, (n) => n >= 2, 'future lines after stepping back');
    // Acting in the past branches from there: scale again, then play to the end. The console
    // drops the old future, as the timeline does.
    await console_(page, 'kubectl scale sts myapp --replicas=5');
    await page.locator('.console-out pre.out', { hasText: 'statefulset.apps/myapp scaled' }).waitFor();
    assert.equal(await future.count(), 0);
    assert.equal(await page.locator('.console-out .future-divider').count(), 0);
    assert.equal(await page.locator('.console-out pre.cmd', { hasText: 'kubectl scale sts myapp --replicas=5' }).count(), 1);
    await console_(page, 'sim wait');
    await readyPods(page).nth(4).waitFor();
    // A typed clock move prints what `stsplay run` prints for it.
    await page.locator('.console-out pre.out', { hasText: /^settled after \S+ \(now \d\d:\d\d:\d\d\.\d{3}\)/ }).last().waitFor();
    scaledPosition = await page.locator('.timebar .position').innerText();
    assert.notEqual(pos, scaledPosition);

    // Select a pod: describe in the inspector; its menu crashes it.
    await page.getByRole('button', { name: /^Pod myapp-1:/ }).click();
    await page.locator('.inspect-text').getByText('Controlled By:  StatefulSet/myapp').waitFor();
    await page.getByRole('button', { name: 'Crash it' }).click();
    // Five changes: the exit, the StatefulSet status, the EndpointSlice and Endpoints marking
    // myapp-1 not ready, then the kubelet's first (immediate) restart begins.
    await console_(page, 'sim step 5');
    await failedPods(page).first().waitFor();
    await shot(page, 'crash-1280x720-light.png');
    await console_(page, 'sim fault clear crash myapp-1');
    await console_(page, 'sim wait');

    // A rollout to an image that no registry has stops at the first pod it replaces.
    await console_(page, 'sim fault image nginx:1.28');
    await console_(page, 'kubectl set image sts/myapp myapp=nginx:1.28');
    await console_(page, 'sim wait');
    await page.getByRole('button', { name: /^Pod myapp-4: (ErrImagePull|ImagePullBackOff)/ }).waitFor();
    assert.equal(await failedPods(page).count(), 1, 'only the first replaced pod is broken');
    assert.match(await page.locator('.sts-counts').textContent(), /updated [01]\b/);
    assert.equal(await page.locator('.rev-chip.rev-update').count(), 1, 'two revisions shown');
    await shot(page, 'rollout-stuck-1280x720-light.png');
    const before = await page.locator('.timebar .position').innerText();

    // Reload: autosave brings everything back.
    await page.reload({ waitUntil: 'load' });
    await page.locator('.workspace[data-engine=ready]').waitFor();
    assert.equal(await page.locator('.timebar .position').innerText(), before);
    await page.getByRole('button', { name: /^Pod myapp-4: (ErrImagePull|ImagePullBackOff)/ }).waitFor();
    await page.locator('.console-out').getByText('$ kubectl set image sts/myapp myapp=nginx:1.28').waitFor();

    // Share link.
    await page.getByRole('button', { name: 'Share' }).click();
    link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    assert.ok(link.startsWith(BASE_URL + '#s='), link.slice(0, 80));
    await page.keyboard.press('Escape');
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
  });

  // A fresh profile (no autosave) opening the link sees the same session.
  await withBrowser({ colorScheme: 'dark' }, async (page, log) => {
    await open(page, link);
    await page.getByRole('button', { name: /^Pod myapp-4: (ErrImagePull|ImagePullBackOff)/ }).waitFor();
    assert.equal(await readyPods(page).count(), 4);
    assert.equal(new URL(page.url()).hash, '', 'the fragment is cleared after reading');
    await shot(page, 'shared-1280x720-dark.png');
    assert.deepEqual(log.errors, []);
  });
});

test('the page works before the simulator module arrives; edits made meanwhile are kept', async () => {
  await withBrowser({}, async (page, log) => {
    // Hold the simulator's module back until the test lets it through.
    let release;
    const held = new Promise((r) => (release = r));
    let engineBytes = 0;
    await page.route(/split_engine-[0-9a-f]+\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    page.on('response', async (r) => {
      if (/split_engine-[0-9a-f]+\.wasm$/.test(r.url())) engineBytes = (await r.body()).length;
    });
    await page.goto(BASE_URL, { waitUntil: 'load' });
    await page.locator('.workspace[data-engine=loading]').waitFor({ timeout: 20_000 });
    // What needs the simulator waits for it, and says so.
    await page.getByRole('status').getByText('Starting the simulated cluster…').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Apply', exact: true }).isDisabled());
    assert.ok(await page.getByRole('button', { name: 'Step forward' }).isDisabled());
    assert.ok(await page.getByRole('button', { name: 'Share' }).isDisabled());
    const prompt = page.getByRole('textbox', { name: 'kubectl command' });
    assert.ok(await prompt.isDisabled());
    assert.equal(await prompt.getAttribute('placeholder'), 'the simulator is loading…');
    // The editor does not: the example is there, highlighted, and can be changed.
    const editor = page.getByRole('textbox', { name: 'YAML of myapp.yaml' });
    assert.match(await editor.inputValue(), /replicas: 3/);
    assert.ok((await page.locator('.editor .highlight span').count()) > 10, 'the example is highlighted');
    await editor.fill((await editor.inputValue()).replace('replicas: 3', 'replicas: 2'));
    await page.keyboard.press('ArrowRight'); // a step key: not acted on yet
    await shot(page, 'loading-1280x720.png');
    release();
    await page.locator('.workspace[data-engine=ready]').waitFor({ timeout: 20_000 });
    assert.ok(engineBytes > 100_000, `the simulator came as its own module (${engineBytes} B)`);
    assert.match(await editor.inputValue(), /replicas: 2/, 'the edit made while loading is kept');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('statefulset.apps/myapp created').waitFor();
    await stepUntil(page, async () => (await readyPods(page).count()) === 2);
    await assert.rejects(readyPods(page).nth(2).waitFor({ timeout: 1_000 }), 'two replicas, as edited');
    assert.deepEqual(log.errors, []);
  });
});

test('a simulator module that cannot be fetched: the page says so and keeps the saved work', async () => {
  await withBrowser({}, async (page, log) => {
    // First a session with work in it, autosaved.
    await open(page);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('statefulset.apps/myapp created').waitFor();
    await page.waitForTimeout(300); // the autosave follows the painted frame
    const saved = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    // Then the page offline: its own module is cached, the simulator's is refused.
    await page.route(/split_engine-[0-9a-f]+\.wasm$/, (route) => route.abort('internetdisconnected'));
    await page.reload({ waitUntil: 'load' });
    await page.locator('.workspace[data-engine=unavailable]').waitFor({ timeout: 20_000 });
    await page.getByRole('status').getByText(/The simulator could not be loaded .* Your saved work is untouched\./).waitFor();
    await page.getByText('Restoring your work…').waitFor();
    assert.equal(
      await page.getByRole('textbox', { name: 'kubectl command' }).getAttribute('placeholder'),
      'the simulator could not be loaded (Try again, above)',
    );
    assert.equal(await page.locator('#fatal-error').count(), 0, 'no panic banner');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => JSON.stringify(Object.entries(localStorage))), saved, 'the autosave is untouched');
    // "Try again" while still offline: the same notice again.
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.workspace[data-engine=unavailable]').waitFor({ timeout: 20_000 });
    // Back online, "Try again" restores the work without a reload.
    await page.unroute(/split_engine-[0-9a-f]+\.wasm$/);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.workspace[data-engine=ready]').waitFor({ timeout: 20_000 });
    await page.locator('.console-out').getByText('statefulset.apps/myapp created').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
    // And a reload too.
    await page.reload({ waitUntil: 'load' });
    await page.locator('.workspace[data-engine=ready]').waitFor({ timeout: 20_000 });
    await page.locator('.console-out').getByText('statefulset.apps/myapp created').waitFor();
    // The only errors are the refused fetch's.
    assert.ok(log.errors.every((e) => /split_engine|Failed to fetch|ERR_INTERNET_DISCONNECTED|TypeError/.test(e)), log.errors.join('\n'));
  });
});

test('a damaged share link shows a clear message and the playground still works', async () => {
  await withBrowser({}, async (page, log) => {
    await open(page, BASE_URL + '#s=not-a-real-link!!');
    await page.getByRole('status').getByText(/share link could not be opened: the link is damaged/).waitFor();
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('statefulset.apps/myapp created').waitFor();
    assert.deepEqual(log.errors, []);
  });
});

test('editor: diagnostics are underlined and listed; user text is never HTML', async () => {
  await withBrowser({}, async (page, log) => {
    await open(page);
    const editor = page.getByRole('textbox', { name: 'YAML of myapp.yaml' });
    await editor.fill('apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: <img src=x onerror=alert(1)>\nspec:\n  replicas: three\n');
    await page.getByText(/Problems: 1 error/).waitFor();
    assert.ok((await page.locator('.squiggle.error').count()) >= 1);
    assert.equal(await page.locator('.code img').count(), 0, 'typed HTML is text');
    await page.getByRole('button', { name: 'New file' }).click();
    assert.equal(await page.getByRole('tab').count(), 2);
    // Keyboard only: Tab indents in the editor; Escape, then Tab, moves on to the next control.
    const fresh = page.getByRole('textbox', { name: /^YAML of file-/ });
    await fresh.focus();
    await page.keyboard.press('Tab');
    assert.equal(await fresh.inputValue(), '  ');
    assert.ok(await fresh.evaluate((el) => el === document.activeElement), 'Tab alone stays in the editor');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.ok(!(await fresh.evaluate((el) => el === document.activeElement)), 'Escape, then Tab, leaves the editor');
    assert.equal(await fresh.inputValue(), '  ', 'and does not indent');
    assert.deepEqual(log.errors, []);
  });
});

test('kubectl edit: the live object in a tab, Save patches it, errors reopen it', async () => {
  await withBrowser({}, async (page, log) => {
    await open(page);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await console_(page, 'sim wait');
    await readyPods(page).nth(2).waitFor();
    await console_(page, 'kubectl edit sts myapp');
    const tab = page.getByRole('tab', { name: 'edit: statefulset.apps/myapp' });
    await tab.waitFor();
    assert.equal(await tab.getAttribute('aria-selected'), 'true');
    const buffer = page.getByRole('textbox', { name: 'Buffer of edit: statefulset.apps/myapp' });
    const text = await buffer.inputValue();
    assert.ok(text.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"), text.slice(0, 120));
    assert.match(text, /\n  replicas: 3\n/);
    await shot(page, 'edit-open-1280x720-light.png');
    // An invalid value: the tab stays open with the API server's causes at the top.
    await buffer.fill(text.replace('\n  replicas: 3\n', '\n  replicas: -1\n'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.console-out').getByText('error: statefulsets.apps "myapp" is invalid').waitFor();
    assert.match(await buffer.inputValue(), /# \* spec\.replicas: Invalid value: -1: must be greater than or equal to 0\n/);
    await shot(page, 'edit-invalid-1280x720-light.png');
    // Fixed: Save sends the patch, the tab closes, the controller scales.
    await buffer.fill((await buffer.inputValue()).replace('\n  replicas: -1\n', '\n  replicas: 5\n'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.console-out').getByText('statefulset.apps/myapp edited').waitFor();
    assert.equal(await page.locator('.tab-edit').count(), 0, 'the editor closed');
    await console_(page, 'sim wait');
    await readyPods(page).nth(4).waitFor();
    await shot(page, 'edit-saved-1280x720-light.png');
    assert.deepEqual(log.errors, []);
  });
});

test('phone size, dark theme and presenter mode', async () => {
  await withBrowser({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true }, async (page, log) => {
    await open(page);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await console_(page, 'sim wait');
    await readyPods(page).nth(2).waitFor();
    await shot(page, 'ready-390x844-dark.png');
    await page.screenshot({ path: path.join(SHOTS, 'ready-390x844-dark-full.png'), fullPage: true });
    // Tapping a pod brings its menu into view (the inspector is stacked far below the diagram).
    await page.getByRole('button', { name: /^Pod myapp-1:/ }).tap();
    const menu = page.getByRole('toolbar', { name: 'Pod myapp-1 menu' });
    await menu.waitFor();
    const box = await menu.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 844, `the pod menu is off screen: ${JSON.stringify(box)}`);
    await shot(page, 'pod-menu-390x844-dark.png');
    assert.deepEqual(log.errors, []);
  });
  await withBrowser({ viewport: { width: 1280, height: 720 } }, async (page) => {
    await open(page);
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await console_(page, 'sim wait');
    await readyPods(page).nth(2).waitFor();
    const podName = page.locator(DIAGRAM + ' text.pod-name').first();
    const before = (await podName.boundingBox()).height;
    await page.getByRole('button', { name: 'Presenter' }).click();
    await page.locator('html.presenter').waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    const after = (await podName.boundingBox()).height;
    // The diagram's text grows with the rest of the page…
    assert.ok(after > before * 1.15, `pod name text ${before}px → ${after}px in presenter mode`);
    // …and the diagram still fits its panel (no sideways scrolling, no page overflow).
    const fits = await page.evaluate(() => {
      const stage = document.querySelector('.stage');
      return stage.scrollWidth <= stage.clientWidth + 1 && document.documentElement.scrollWidth <= window.innerWidth;
    });
    assert.ok(fits, 'the diagram overflows its panel in presenter mode');
    await shot(page, 'presenter-1280x720-dark.png');
    assert.equal(await page.locator('html.theme-dark.presenter').count(), 1);
    // A 1280×720 projector: stepping and typing need no scrolling of the page. The page is not
    // scrolled, and the Step button, the console prompt and the diagram's pods are in the viewport.
    const inView = async (locator, what) => {
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page is scrolled');
      const b = await locator.boundingBox();
      assert.ok(
        b && b.x >= 0 && b.y >= 0 && b.x + b.width <= 1280 && b.y + b.height <= 720,
        `${what} is outside the 1280×720 viewport in presenter mode: ${JSON.stringify(b)}`,
      );
    };
    const stepButton = page.getByRole('button', { name: 'Step forward' });
    const prompt = page.getByRole('textbox', { name: 'kubectl command' });
    await inView(stepButton, 'the Step button');
    await inView(prompt, 'the console prompt');
    await inView(page.locator(DIAGRAM + ' g.pod rect.pod-box').last(), 'the last pod of the diagram');
    // The light theme keeps presenter mode's large type (its class once reset the app's font
    // size, so buttons and labels fell back to the normal size there) and the same fit.
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
    await page.locator('html.theme-light.presenter').waitFor({ state: 'attached' });
    const sizes = await stepButton.evaluate((b) => [getComputedStyle(b).fontSize, getComputedStyle(document.documentElement).fontSize]);
    assert.equal(sizes[0], sizes[1], `Step button text ${sizes[0]}, page ${sizes[1]}, in presenter mode (light)`);
    await inView(stepButton, 'the Step button (light)');
    await inView(prompt, 'the console prompt (light)');
    await shot(page, 'presenter-1280x720-light.png');
  });
});

test('every button has an accessible name', async () => {
  await withBrowser({}, async (page) => {
    await open(page);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, [role=button], input, select, textarea')]
        .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || el.labels?.length))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
  });
});

test('lessons: run a lesson step by step, open its file, and use the tab as a -f file', async () => {
  await withBrowser({}, async (page, log) => {
    await open(page);
    await page.getByRole('button', { name: 'Lessons' }).click();
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await lessons.getByRole('heading', { name: '1. What a StatefulSet is' }).waitFor();
    // The lesson's buttons type its commands into the console.
    await lessons.getByRole('button', { name: 'Run kubectl apply -f myapp.yaml' }).click();
    await page.locator('.console-out pre.out', { hasText: 'statefulset.apps/myapp created' }).waitFor();
    await lessons.getByRole('button', { name: 'Run sim wait' }).click();
    await readyPods(page).nth(2).waitFor();
    await shot(page, 'lessons-1280x720-light.png');
    // Next, and the chooser.
    await lessons.getByRole('button', { name: 'Next lesson' }).click();
    await lessons.getByRole('heading', { name: '2. StatefulSet or Deployment?' }).waitFor();
    await lessons.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: '13. Good habits' });
    await lessons.getByRole('button', { name: 'Open cache.yaml in the editor' }).click();
    await lessons.getByRole('button', { name: 'Run kubectl apply -f cache.yaml' }).click();
    await page.locator('.console-out pre.out', { hasText: 'statefulset.apps/cache created' }).waitFor();
    // Back to the files: the lesson's file is a tab, and the console reads tabs as -f files.
    await page.getByRole('button', { name: 'Lessons' }).click();
    await page.getByRole('tab', { name: 'cache.yaml' }).waitFor();
    await console_(page, 'kubectl get -f cache.yaml');
    await page.locator('.console-out pre.out', { hasText: /statefulset\.apps\/cache\s+0\/3/ }).waitFor();
    await console_(page, 'kubectl delete -f cache.yaml');
    await page.locator('.console-out pre.out', { hasText: 'statefulset.apps "cache" deleted from default namespace' }).waitFor();
    assert.deepEqual(log.errors, []);
  });
});

/** Types `yaml` into a new editor tab and applies it. */
async function applyInNewTab(page, yaml) {
  await page.getByRole('button', { name: 'New file' }).click();
  await page.getByRole('textbox', { name: /^YAML of file-/ }).fill(yaml);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
}

const podBox = (page, name) => page.locator(DIAGRAM + ' g.pod', { has: page.locator('text.pod-name', { hasText: new RegExp(`^${name}$`) }) });

test('why a pod is not Ready: a missing ConfigMap, a startup probe, a main process that exits', async () => {
  await withBrowser({}, async (page, log) => {
    await open(page);
    // A block pasted at the prompt runs as a terminal runs it: line by line, the heredoc as the
    // command's stdin; the unfinished last line stays at the prompt.
    const prompt = page.getByRole('textbox', { name: 'kubectl command' });
    await prompt.fill('kubectl ');
    await prompt.evaluate((el) => {
      const data = new DataTransfer();
      data.setData('text/plain', 'apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pasted\nEOF\nkubectl get configmap pasted\nkubectl get cm');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.locator('.console-out pre.out', { hasText: 'configmap/pasted created' }).waitFor();
    await page.locator('.console-out pre.out', { hasText: /^NAME\s+DATA\s+AGE\npasted\s+0\s+0s$/ }).waitFor();
    assert.equal(await prompt.inputValue(), 'kubectl get cm');

    // FailedMount: web-0 stays ContainerCreating; its tooltip, the why panel and the inspector
    // give the kubelet's reason.
    await applyInNewTab(page, `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - name: config
          mountPath: /etc/app
      volumes:
      - name: config
        configMap:
          name: app-config
`);
    await console_(page, 'sim wait');
    const web0 = podBox(page, 'web-0');
    await page.getByRole('button', { name: /^Pod web-0: ContainerCreating/ }).waitFor();
    assert.match(await web0.locator('title').textContent(), /^web-0: ContainerCreating, ready 0\/1 — cannot mount volume config: configmap "app-config" not found/);
    await page.locator('.why-now .decision-detail', { hasText: 'kubelet, pod/web-0: cannot mount volume config' }).waitFor();
    await web0.click();
    await page.locator('.inspector .not-ready-reason', { hasText: 'cannot mount volume config' }).waitFor();
    await shot(page, 'failedmount-1280x720-light.png');
    await console_(page, 'kubectl delete sts web');

    // A startup probe: Running but not started, so 0/1 and not drawn as ready.
    await applyInNewTab(page, `apiVersion: v1
kind: Pod
metadata:
  name: pg
spec:
  containers:
  - name: postgres
    image: postgres:16
    env:
    - name: POSTGRES_PASSWORD
      value: example
    startupProbe:
      tcpSocket:
        port: 5432
      initialDelaySeconds: 10
`);
    const pg = podBox(page, 'pg');
    await stepUntil(page, async () => /^Pod pg: Running, ready 0\/1/.test((await pg.getAttribute('aria-label').catch(() => '')) ?? ''));
    assert.match(await pg.getAttribute('class'), /\bhealth-progress\b/);
    assert.match(await pg.locator('text.pod-meta').first().textContent(), /^ready 0\/1 · not started$/);
    assert.match(await pg.locator('title').textContent(), /startup probe has not succeeded yet/);
    await shot(page, 'startup-probe-1280x720-light.png');

    // busybox with no command: its shell exits 0 (Completed), then CrashLoopBackOff; both red.
    await console_(page, 'kubectl run b --image=busybox:1.36');
    const b = podBox(page, 'b');
    const seen = new Set();
    await stepUntil(page, async () => {
      const label = (await b.getAttribute('aria-label').catch(() => null)) ?? '';
      const status = /^Pod b: (\w+)/.exec(label)?.[1];
      if (status === 'Completed' || status === 'CrashLoopBackOff') {
        assert.match(await b.getAttribute('class'), /\bhealth-failed\b/, `${status} is drawn as failed`);
        seen.add(status);
      }
      return seen.has('CrashLoopBackOff');
    });
    assert.ok(seen.has('Completed'), 'Completed was shown on the way');
    // The status text stays inside the small box of a pod no StatefulSet owns.
    const [text, box] = [await b.locator('text.pod-status').boundingBox(), await b.locator('rect.pod-box').boundingBox()];
    assert.ok(text.x + text.width <= box.x + box.width, `CrashLoopBackOff overflows its box: ${JSON.stringify([text, box])}`);
    await shot(page, 'crashloop-loose-1280x720-light.png');
    assert.deepEqual(log.errors, []);
  });
});

test('presenter mode on a 1024×768 projector, and a crash-looping pod on a phone', async () => {
  await withBrowser({ viewport: { width: 1024, height: 768 } }, async (page) => {
    await open(page);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await console_(page, 'sim wait');
    await page.getByRole('button', { name: 'Presenter' }).click();
    await page.locator('html.presenter').waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    // The diagram gets most of the width (the left column's floor once left it 533px of 1024).
    const stage = await page.locator('.stage').boundingBox();
    assert.ok(stage.width >= 600, `the diagram's panel is ${stage.width}px wide at 1024×768`);
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    for (const [what, locator] of [
      ['the Step button', page.getByRole('button', { name: 'Step forward' })],
      ['the console prompt', page.getByRole('textbox', { name: 'kubectl command' })],
      ['a pod of the diagram', page.locator(DIAGRAM + ' g.pod rect.pod-box').first()],
    ]) {
      const b = await locator.boundingBox();
      assert.ok(b && b.y >= 0 && b.x + b.width <= 1024 && b.y + b.height <= 768, `${what} is off screen: ${JSON.stringify(b)}`);
    }
    await shot(page, 'presenter-1024x768-light.png');
  });
  await withBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, async (page, log) => {
    await open(page);
    await console_(page, 'kubectl run pg --image=postgres:16');
    await console_(page, 'sim advance 30s');
    await page.getByRole('button', { name: /^Pod pg: CrashLoopBackOff/ }).tap();
    // The inspector scrolls into view with the reason first: the why panel is a screen away.
    const reason = page.locator('.inspector .not-ready-reason', { hasText: /container pg keeps exiting/ });
    await reason.waitFor();
    const box = await reason.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 844, `the reason is off screen: ${JSON.stringify(box)}`);
    await shot(page, 'crashloop-390x844-light.png');
    assert.deepEqual(log.errors, []);
  });
});

/** Pastes `text` at the console prompt, as a clipboard paste (a terminal runs it line by line). */
async function pasteAtPrompt(page, text) {
  await page.getByRole('textbox', { name: 'kubectl command' }).evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test("the StatefulSet tutorial's lines, pasted: heredoc, for loops, curl localhost, pipes, --template; a reload keeps them", async () => {
  await withBrowser({}, async (page, log) => {
    await open(page);
    await pasteAtPrompt(page, `kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
EOF
sim wait
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
kubectl get pods | grep -c Running
kubectl get pod web-1 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'
`);
    const out = page.locator('.console-out');
    await out.locator('pre.out', { hasText: 'statefulset.apps/web created' }).waitFor();
    // Each pod serves the hostname written to its own claim (one output block per command).
    await out.locator('pre.out', { hasText: /^web-0$/ }).waitFor();
    await out.locator('pre.out', { hasText: /^web-1$/ }).waitFor();
    await out.locator('pre.out', { hasText: /^2$/m }).waitFor();
    await out.locator('pre.out', { hasText: /^registry\.k8s\.io\/nginx-slim:0\.24$/m }).waitFor();
    await readyPods(page).nth(1).waitFor();
    const before = await out.innerText();
    // Autosave: the same work after a reload.
    await page.reload({ waitUntil: 'load' });
    await page.locator('.workspace[data-engine=ready]').waitFor();
    await out.locator('pre.out', { hasText: /^web-1$/ }).waitFor();
    // The history holds the loop's expanded commands, so they are what a reload echoes.
    assert.match(await out.innerText(), /\$ kubectl exec -i -t "?web-1"? -- curl http:\/\/localhost\/\nweb-1/, before);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
  });
});
