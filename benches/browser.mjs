// Browser benchmark of the built site (a benchmark, not a test: it prints figures and asserts
// nothing about time). Measures, in Debian's headless Chromium:
//   - navigation to interactive: from navigation start to the mounted workspace (the editor
//     works; the simulator's module is still on its way), and to the simulator ready;
//   - one step's main-thread work (click → engine step → Yew render → style and layout) at 100
//     and at 1,000 pods, and the 1,000-pod burst again with a learner's pause before the click;
//   - frames per second while playing at 20× with 100 pods.
//
//   trunk build --release && node benches/browser.mjs [DIST]      (DIST defaults to dist/)
//
// The 1,000-pod case uses podManagementPolicy: Parallel (OrderedReady never gets past the
// 3 nodes × 110 pods of the simulated cluster); about 670 of its pods stay Pending.
import path from 'node:path';
import { command, launch, serve } from './common.mjs';

const DIST = path.resolve(process.argv[2] ?? 'dist');
const RUNS = 5; // page loads measured
const STEPS = 40; // steps measured per size
const PAUSED_RUNS = 3; // page loads for the burst step after a learner's pause
const PAUSE_MS = Number(process.env.PAUSE_MS ?? 300);

// Records when the app's workspace first exists, and when the simulator's module has loaded and
// the session is open in it (performance.now(), i.e. since navigation start).
const MOUNT_PROBE = `
  new MutationObserver((_, obs) => {
    if (!window.__mounted && document.querySelector('.workspace')) window.__mounted = performance.now();
    if (document.querySelector('.workspace[data-engine=ready]')) { window.__ready = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-engine'] });
`;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms, worst ${s[s.length - 1].toFixed(1)} ms (n=${s.length})`;
};

/** `sim wait` in the console (it runs inside the reducer; the next frame shows its result). */
async function simWait(page) {
  await command(page, 'sim wait');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

/**
 * One step, timed in the page: click → Yew renders (in a microtask) → a macrotask (so every
 * microtask ran) → forced style and layout. That is the step's work on the main thread, paint
 * aside; waiting for the next frame instead would add up to a whole 16.7 ms frame of idle time.
 */
const timedStep = (page) => page.evaluate(() => new Promise((resolve) => {
  const button = document.querySelector('button[aria-label="Step forward"]');
  const channel = new MessageChannel();
  const t0 = performance.now();
  channel.port1.onmessage = () => {
    void document.body.offsetHeight;
    const work = performance.now() - t0;
    requestAnimationFrame(() => resolve(work));
  };
  button.click();
  channel.port2.postMessage(0);
}));

async function stepTimes(page, n) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(await timedStep(page));
  return times;
}

/** A fresh browser with the site loaded in its one tab: `{ page, editor, close }`. */
async function fresh(server, initScript) {
  const { context, close } = await launch();
  const page = context.pages()[0] ?? (await context.newPage());
  if (initScript) await page.addInitScript(initScript);
  await page.goto(server.url, { waitUntil: 'load' });
  await page.locator('.workspace[data-engine=ready]').waitFor();
  return { page, close, editor: page.getByRole('textbox', { name: 'YAML of myapp.yaml' }) };
}

async function main() {
  const server = await serve(DIST);
  // Each part runs in a browser of its own: page loads in one tab leave dead pages (and their
  // wasm memories) for the collector, which would otherwise reclaim them in a later part's steps.
  const nav = await fresh(server, MOUNT_PROBE);
  const loads = [await nav.page.evaluate(() => window.__mounted)];
  const readies = [await nav.page.evaluate(() => window.__ready)];
  for (let i = 1; i < RUNS; i++) {
    await nav.page.goto(server.url, { waitUntil: 'load' });
    await nav.page.locator('.workspace[data-engine=ready]').waitFor();
    loads.push(await nav.page.evaluate(() => window.__mounted));
    readies.push(await nav.page.evaluate(() => window.__ready));
  }
  await nav.close();
  console.log(`navigation to interactive: ${stats(loads)}`);
  console.log(`navigation to the simulator ready: ${stats(readies)}`);

  const { page, editor, close } = await fresh(server);
  // A Parallel variant of the example, so 1,000 replicas are 1,000 pods.
  const yaml = (await editor.inputValue()).replace('replicas: 3', 'replicas: 100\n  podManagementPolicy: Parallel');
  try {
    await editor.fill(yaml);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    console.log(`one step at 100 pods (creating and starting them): ${stats(await stepTimes(page, STEPS))}`);
    await simWait(page);

    // Frames while playing at 20× (a rolling update keeps every frame busy).
    await command(page, 'kubectl set image sts/myapp myapp=nginx:1.28');
    await page.getByRole('combobox', { name: 'Play speed' }).selectOption({ label: '20×' });
    await page.getByRole('button', { name: 'Play' }).click();
    const fps = await page.evaluate(() => new Promise((resolve) => {
      let frames = 0;
      const t0 = performance.now();
      const tick = (t) => { frames++; if (t - t0 < 3000) requestAnimationFrame(tick); else resolve(frames * 1000 / (t - t0)); };
      requestAnimationFrame(tick);
    }));
    await page.getByRole('button', { name: 'Pause' }).click();
    console.log(`playing at 20× with 100 pods: ${fps.toFixed(1)} fps`);

    await command(page, 'kubectl scale sts myapp --replicas=1000');
    console.log(`one step at 1,000 pods (creating them): ${stats(await stepTimes(page, STEPS))}`);
    await simWait(page);
    await page.screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'e2e', 'screenshots', 'bench-1000-pods.png') });
    console.log(`one step at 1,000 pods (after sim wait): ${stats(await stepTimes(page, STEPS))}`);
    const pods = await page.locator('.workspace svg.diagram .pod').count();
    // A large set's grid draws only the rows on screen (src/ui/components/pod_grid.rs).
    console.log(`(${pods} pods drawn: the rows in view of the diagram's box)`);
  } finally {
    await close();
  }

  try {
    // The same burst as a learner meets it: a pause between typing the command and clicking
    // Step, in which the page gets memory ready for the pods to come (src/ui/heap.rs). Above,
    // the step follows the command at once, before that idle-time work can run.
    const paused = [];
    for (let i = 0; i < PAUSED_RUNS; i++) {
      const run = await fresh(server);
      try {
        await run.editor.fill(yaml);
        await run.page.getByRole('button', { name: 'Apply', exact: true }).click();
        await simWait(run.page);
        await command(run.page, 'kubectl scale sts myapp --replicas=1000');
        await run.page.waitForTimeout(PAUSE_MS);
        paused.push(...(await stepTimes(run.page, 3)));
      } finally {
        await run.close();
      }
    }
    console.log(`one step at 1,000 pods (creating them, ${PAUSE_MS} ms after the command; ${PAUSED_RUNS} browsers × 3 steps): ${stats(paused)}`);
  } finally {
    server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

