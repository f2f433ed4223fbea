// Where the slowest steps of benches/browser.mjs spend their time (a tool, not a test).
//
//   trunk build --release && node benches/trace.mjs [DIST]
//
// Plays the same scenario as browser.mjs (Parallel example, 100 pods, then scale to 1,000) and
// records a Chrome trace of every step. For the slowest step of each case it prints the time
// from the click to the end of the next frame's paint, split by trace event (self time on the
// renderer's main thread: script, style, layout, paint, hit-test…), and, with a sampling CPU
// profile of that step, the hottest functions (wasm names need a build that keeps them, e.g.
// data-wasm-opt="0").
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { command, launch, serve } from './common.mjs';

const DIST = path.resolve(process.argv[2] ?? 'dist');
const STEPS = Number(process.env.STEPS ?? 40);
const TOP = Number(process.env.TOP ?? 25);
// PROFILE=0: the trace only (the sampling profiler roughly doubles the time of wasm code).
const PROFILE = process.env.PROFILE !== '0';
// PROFILE_OUT=DIR: also save the slowest step's CPU profile there (open it in Chrome's DevTools).
const PROFILE_OUT = process.env.PROFILE_OUT;
// VERBOSE=1: one line per step (script, compile, style, layout of its timed part).
const VERBOSE = process.env.VERBOSE === '1';
const CPU = process.env.CPU === '1';

// As in browser.mjs, plus marks: the click, the forced layout, and the end of the next frame.
const timedStep = (page) => page.evaluate(() => new Promise((resolve) => {
  const button = document.querySelector('button[aria-label="Step forward"]');
  const channel = new MessageChannel();
  performance.mark('step-start');
  const t0 = performance.now();
  channel.port1.onmessage = () => {
    void document.body.offsetHeight;
    const work = performance.now() - t0;
    performance.mark('step-work');
    requestAnimationFrame(() => setTimeout(() => { performance.mark('step-end'); resolve(work); }, 0));
  };
  button.click();
  channel.port2.postMessage(0);
}));

async function traced(cdp, fn) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'blink.user_timing', 'v8.execute', 'disabled-by-default-devtools.timeline', 'v8.wasm', 'blink', 'cc'],
    },
  });
  if (PROFILE) await cdp.send('Profiler.start');
  const result = await fn();
  const { profile } = PROFILE ? await cdp.send('Profiler.stop') : {};
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  return { result, events, profile };
}

/** Self time per event name on the main thread within [t0, t1] (µs trace clock). */
function breakdown(events, t0, t1) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const xs = events
    .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.ts >= t0 && e.ts <= t1)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    // CPU=1: thread time (tdur) instead of wall time, less disturbed by other processes.
    const d = CPU ? e.tdur ?? e.dur : e.dur;
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (CPU ? parent.tdur && d : d));
    self.set(e.name, (self.get(e.name) ?? 0) + d);
    stack.push(e);
  }
  const top = xs.filter((e) => !xs.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur));
  const busy = top.reduce((s, e) => s + e.dur, 0);
  return { self: [...self].filter(([, v]) => v > 50).sort((a, b) => b[1] - a[1]), busy };
}

/** Self time per function of a CPU profile (ms), hottest first. */
function hot(profile) {
  const dt = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i + 1] ?? 0));
  const by = new Map();
  for (const n of profile.nodes) {
    const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'anon'})`;
    by.set(name, (by.get(name) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
  }
  // Inclusive: each sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = new Map();
  for (const [id, t] of dt) {
    const seen = new Set();
    for (let k = id; k !== undefined; k = parent.get(k)) {
      const f = node.get(k).callFrame;
      const name = f.functionName || `(${f.url.split('/').pop() || 'anon'})`;
      if (!seen.has(name)) { seen.add(name); total.set(name, (total.get(name) ?? 0) + t / 1000); }
    }
  }
  const sort = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { self: sort(by), total: sort(total) };
}

async function worstStep(page, cdp, label) {
  let worst = null;
  const rows = [];
  for (let i = 0; i < STEPS; i++) {
    const r = await traced(cdp, () => timedStep(page));
    if (!worst || r.result > worst.result) worst = { ...r, index: i };
    if (VERBOSE) {
      const m = (n) => r.events.find((e) => e.name === n && e.cat.includes('blink.user_timing'));
      const { self } = breakdown(r.events, m('step-start').ts, m('step-work').ts);
      const get = (...names) => (self.filter(([k]) => names.includes(k)).reduce((a, [, v]) => a + v, 0) / 1000).toFixed(1);
      rows.push(`  #${i} ${r.result.toFixed(1)} ms: click ${get('EventDispatch')}, render ${get('FunctionCall')}, compile ${get('wasm.CompileLazy')}, ` +
        `style ${get('Document::recalcStyle', 'Document::rebuildLayoutTree')}, layout ${get('LocalFrameView::performLayout', 'Layout', 'InlineNode::ShapeTextIncludingFirstLine')}`);
    }
  }
  if (VERBOSE) console.log(`${label}, each step (timed part):\n${rows.join('\n')}`);
  const mark = (n) => worst.events.find((e) => e.name === n && e.cat.includes('blink.user_timing'));
  const [s, w, e] = ['step-start', 'step-work', 'step-end'].map(mark);
  const { self, busy } = breakdown(worst.events, s.ts, e.ts);
  console.log(`\n${label}: slowest step #${worst.index}: ${worst.result.toFixed(1)} ms timed (click → layout), ` +
    `${((e.ts - s.ts) / 1000).toFixed(1)} ms to the end of the next frame, main thread busy ${(busy / 1000).toFixed(1)} ms`);
  console.log(`  timed part ends at +${((w.ts - s.ts) / 1000).toFixed(1)} ms`);
  for (const [name, us] of self.slice(0, 16)) console.log(`  ${(us / 1000).toFixed(2).padStart(7)} ms  ${name}`);
  if (!PROFILE) return;
  if (PROFILE_OUT) {
    const file = path.join(PROFILE_OUT, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(worst.profile));
    console.log(`  profile saved: ${file}`);
  }
  console.log('  hottest functions (sampled):');
  const { self: hs, total } = hot(worst.profile);
  for (const [name, ms] of hs.slice(0, TOP)) console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${name.slice(0, 110)}`);
  console.log('  inclusive (sampled):');
  for (const [name, ms] of total.slice(0, Number(process.env.TOPI ?? TOP * 2))) console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${name.slice(0, 110)}`);
}

async function main() {
  const server = await serve(DIST);
  const { context, close } = await launch('stsplay-trace-');
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.locator('.workspace[data-engine=ready]').waitFor();
    const editor = page.getByRole('textbox', { name: 'YAML of myapp.yaml' });
    const yaml = (await editor.inputValue()).replace('replicas: 3', 'replicas: 100\n  podManagementPolicy: Parallel');
    await editor.fill(yaml);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await worstStep(page, cdp, 'one step at 100 pods (creating and starting them)');
    await command(page, 'sim wait');
    await command(page, 'kubectl scale sts myapp --replicas=1000');
    await worstStep(page, cdp, 'one step at 1,000 pods (creating them)');
  } finally {
    await close();
    server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
