// What the browser benchmarks share (benches/browser.mjs, benches/trace.mjs): a static server for
// dist/, a fresh headless Chromium profile, and typing a console line.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Serves `dir` on a free 127.0.0.1 port: `{ url, stop }`. */
export function serve(dir) {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir]);
    p.stdout.on('data', (d) => {
      const m = /port (\d+)/.exec(String(d));
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}/`, stop: () => p.kill() });
    });
    p.on('error', reject);
  });
}

/** Debian's headless Chromium at 1280×720 in a fresh profile: `{ context, close }`. */
export async function launch(prefix = 'stsplay-bench-') {
  const profile = await mkdtemp(path.join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); } };
}

/** Types `line` into the playground's console and presses Enter. */
export async function command(page, line) {
  const prompt = page.getByRole('textbox', { name: 'kubectl command' });
  await prompt.fill(line);
  await prompt.press('Enter');
}
