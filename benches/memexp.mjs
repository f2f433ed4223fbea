// temporary experiment: wasm memory growth across the 1k step
import path from 'node:path';
import { command, launch, serve } from './common.mjs';
const DIST = path.resolve(process.argv[2] ?? 'dist');
const timedStep = (page) => page.evaluate(() => new Promise((resolve) => {
  const button = document.querySelector('button[aria-label="Step forward"]');
  const channel = new MessageChannel();
  const m0 = window.__wasm.memory.buffer.byteLength;
  const t0 = performance.now();
  channel.port1.onmessage = () => {
    void document.body.offsetHeight;
    const work = performance.now() - t0;
    const m1 = window.__wasm.memory.buffer.byteLength;
    requestAnimationFrame(() => resolve([work, m0 / 1048576, m1 / 1048576]));
  };
  button.click();
  channel.port2.postMessage(0);
}));
const server = await serve(DIST);
const { context, close } = await launch();
const page = context.pages()[0] ?? (await context.newPage());
await page.addInitScript(`addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });`);
await page.goto(server.url, { waitUntil: 'load' });
await page.locator('.workspace').waitFor();
const editor = page.getByRole('textbox', { name: 'YAML of myapp.yaml' });
const yaml = (await editor.inputValue()).replace('replicas: 3', 'replicas: 100\n  podManagementPolicy: Parallel');
await editor.fill(yaml);
await page.getByRole('button', { name: 'Apply', exact: true }).click();
for (let i = 0; i < 40; i++) await timedStep(page);
await command(page, 'sim wait');
await command(page, 'kubectl set image sts/myapp myapp=nginx:1.28');
await page.getByRole('combobox', { name: 'Play speed' }).selectOption({ label: '20×' });
await page.getByRole('button', { name: 'Play' }).click();
await page.waitForTimeout(3000);
await page.getByRole('button', { name: 'Pause' }).click();
await command(page, 'kubectl scale sts myapp --replicas=1000');
await page.waitForTimeout(500);
for (let i = 0; i < 4; i++) console.log(JSON.stringify(await timedStep(page)));
await close(); server.stop();
