#!/usr/bin/env node
// The real-browser test of the notebooks: Debian's classic Jupyter Notebook
// server on loopback, each notebook opened in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), Cell > Run All, then checks that every cell ran, no cell shows an
// error, every chart rendered (SVG elements with non-empty path `d` attributes) and every
// displayTable call shows an HTML table. Then every chart's Vega-Lite bundle, as the kernel sent
// it, is drawn with vega-embed (what JupyterLab's renderer uses) in a blank page: any error or
// warning on the console fails, and the staleness curve, the (R, W) heatmap and the recovery CDF
// must carry a parameter bound to an input. Screenshots of each chart, of the first table and of
// each notebook's first screen go to .tmp/browser/, and of those three charts drawn by vega-embed
// with their slider moved (embed-*.png).
//
//   node notebooks/browser-test.mjs [--timeout=SECONDS] [NOTEBOOK.ipynb ...]
//
// The notebooks run from copies in .tmp/browser/work/notebooks/ (with dist/, data/ and
// node_modules/ linked beside them, so `../dist/lib/index.js` resolves as in notebooks/): the
// browser never saves over the committed notebooks. Without Chromium or Jupyter: prints
// "skipped: ..." and exits 0, except when CI=true, where it fails. The library must be built.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, '.tmp', 'browser');
const WORK = path.join(OUT, 'work');
const CHROMIUM = '/usr/bin/chromium';
const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
// vega-embed and the Vega and Vega-Lite it draws with, as browser builds (JupyterLab's renderer is
// vega-embed over Vega 5 and Vega-Lite 5).
const EMBED_SCRIPTS = [
  'vega/build/vega.min.js',
  'vega-lite/build/vega-lite.min.js',
  'vega-embed/build/vega-embed.min.js',
].map((f) => path.join(ROOT, 'node_modules', f));
// Charts a reader steers with an input: notebook, chart title, and a file name for the screenshot.
const INTERACTIVE = [
  ['01-quorum-staleness', 'P(consistent read) after commit, N=3, lnkd-disk', 'staleness-curve'],
  ['02-leaderless', 'P(consistent read) at t = 0, lnkd-disk', 'rw-heatmap'],
  ['00-tour', 'Leader-follower recovery time after a leader crash', 'recovery-cdf'],
];
const isCI = process.env.CI === 'true';
const env = {
  ...process.env,
  PATH: [path.join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter),
};

function onPath(cmd) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return path.join(dir, cmd);
    } catch {
      // not here
    }
  }
  return undefined;
}

function skip(why) {
  if (isCI) {
    console.error(
      `browser-test: ${why}; CI=true, so this fails (.ci/run installs chromium and jupyter-notebook).`,
    );
    process.exit(1);
  }
  console.log(`skipped: ${why}`);
  process.exit(0);
}

// ---------------------------------------------------------------- arguments

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { timeout: { type: 'string' } },
  });
} catch (error) {
  console.error(
    `browser-test: option: got ${error.message.split('\n')[0]}; allowed: --timeout=SECONDS, NOTEBOOK.ipynb ...`,
  );
  process.exit(2);
}
const timeoutS = parsed.values.timeout === undefined ? 600 : Number(parsed.values.timeout);
if (!Number.isInteger(timeoutS) || timeoutS < 10) {
  console.error(
    `browser-test: --timeout: got ${parsed.values.timeout}; allowed: a whole number of seconds >= 10 (per notebook)`,
  );
  process.exit(2);
}
for (const p of parsed.positionals) {
  if (!p.endsWith('.ipynb') || !existsSync(p)) {
    console.error(`browser-test: notebook: got ${p}; allowed: an existing .ipynb file`);
    process.exit(2);
  }
}
const notebooks =
  parsed.positionals.length > 0
    ? parsed.positionals.map((p) => path.resolve(p))
    : readdirSync(path.join(ROOT, 'notebooks'))
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => path.join(ROOT, 'notebooks', f));

// ---------------------------------------------------------------- environment

if (!existsSync(CHROMIUM)) skip(`${CHROMIUM} not found (Debian: apt-get install chromium)`);
const jupyter = onPath('jupyter-notebook') ?? onPath('jupyter');
if (!jupyter) skip('jupyter not found (Debian: apt-get install jupyter-notebook)');
if (!existsSync(path.join(ROOT, 'dist', 'lib', 'index.js'))) {
  console.error('browser-test: dist/lib/index.js is missing: run npm run build first (npm test does)');
  process.exit(1);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('browser-test: playwright-core is missing: run npm ci');
  process.exit(1);
}
// The tslab kernel must be registered; notebooks/execute.mjs registers it when missing (npm test runs it first).
const specs = spawnSync(
  jupyter.endsWith('jupyter') ? jupyter : (onPath('jupyter') ?? jupyter),
  ['kernelspec', 'list', '--json'],
  { env, encoding: 'utf8' },
);
if (specs.status === 0 && !JSON.parse(specs.stdout).kernelspecs?.tslab) {
  const r = spawnSync('tslab', ['install', '--python=/usr/bin/python3'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`browser-test: the tslab kernel is not registered and tslab install failed: ${r.stderr}`);
    process.exit(1);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A work tree of copies: the browser may autosave there, never in notebooks/.
rmSync(WORK, { recursive: true, force: true });
mkdirSync(path.join(WORK, 'notebooks'), { recursive: true });
for (const dir of ['dist', 'data', 'node_modules', 'package.json']) {
  if (existsSync(path.join(ROOT, dir))) symlinkSync(path.join(ROOT, dir), path.join(WORK, dir));
}
for (const nb of notebooks) copyFileSync(nb, path.join(WORK, 'notebooks', path.basename(nb)));

// ---------------------------------------------------------------- server

const port = await freePort();
const token = randomBytes(24).toString('hex');
const serverArgs = [
  '--no-browser',
  '--ip=127.0.0.1',
  `--port=${port}`,
  '--port-retries=0',
  `--NotebookApp.token=${token}`,
  `--notebook-dir=${WORK}`,
  '--NotebookApp.open_browser=False',
  '--allow-root',
];
const argv = path.basename(jupyter) === 'jupyter' ? ['notebook', ...serverArgs] : serverArgs;
const server = spawn(jupyter, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));
const base = `http://127.0.0.1:${port}`;

async function waitForServer() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`jupyter exited (${server.exitCode}):\n${serverLog.slice(-2000)}`);
    try {
      const res = await fetch(`${base}/api/status?token=${token}`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter did not answer on ${base} within 60 s:\n${serverLog.slice(-2000)}`);
}

/** Shuts down every kernel the server started (a tslab kernel outlives a server that is just killed). */
async function shutDownKernels() {
  try {
    const res = await fetch(`${base}/api/kernels?token=${token}`);
    if (!res.ok) return;
    for (const kernel of await res.json()) {
      await fetch(`${base}/api/kernels/${kernel.id}?token=${token}`, { method: 'DELETE' }).catch(() => {});
    }
  } catch {
    // the server is gone already
  }
}

/** Stops the server and waits for it (SIGKILL after 10 s). */
async function stopServer() {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
process.on('exit', () => {
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});

// ---------------------------------------------------------------- one notebook in the browser

/* global window, document -- the functions handed to page.evaluate and page.waitForFunction run in Chromium */

// In the page: the state of every code cell, once the kernel is idle and nothing is queued.
const STATE = () => {
  const nb = window.Jupyter?.notebook;
  const cells = nb ? nb.get_cells().filter((c) => c.cell_type === 'code') : [];
  const idle = !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
  return {
    idle,
    running: cells.filter((c) => c.element[0].querySelector('.input_prompt')?.textContent.includes('[*]'))
      .length,
    cells: cells.map((c, i) => {
      const el = c.element[0];
      const paths = [...el.querySelectorAll('.output_area svg path')].map((p) => p.getAttribute('d') ?? '');
      return {
        index: nb.get_cells().indexOf(c) + 1,
        first: (
          c
            .get_text()
            .split('\n')
            .find((l) => l.trim() !== '') ?? ''
        ).slice(0, 70),
        charts: c.get_text().includes('displayChart('),
        tableCalls: c.get_text().includes('displayTable('),
        tables: el.querySelectorAll('.output_area .output_html table').length,
        executed: typeof c.input_prompt_number === 'number',
        errors: [...el.querySelectorAll('.output_error')].map((e) => e.textContent.trim().slice(0, 300)),
        stderr: [...el.querySelectorAll('.output_stderr')].map((e) => e.textContent.trim().slice(0, 300)),
        svgs: el.querySelectorAll('.output_area svg').length,
        nonEmptyPaths: paths.filter((d) => d.trim() !== '').length,
        i,
      };
    }),
  };
};

async function runNotebook(browser, notebook) {
  const name = path.basename(notebook, '.ipynb');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const started = Date.now();
  await page.goto(
    `${base}/notebooks/notebooks/${encodeURIComponent(path.basename(notebook))}?token=${token}`,
  );
  await page.waitForFunction(
    () =>
      window.Jupyter?.notebook?.kernel?.is_connected?.() &&
      document.querySelector('#kernel_indicator_icon.kernel_idle_icon'),
    null,
    { timeout: 120_000 },
  );
  await page.evaluate(() => {
    window.Jupyter.notebook.set_autosave_interval(0);
    window.Jupyter.notebook.execute_all_cells();
  });
  // Idle with no cell queued, twice in a row (the kernel is briefly idle between cells).
  let state;
  let calm = 0;
  const deadline = Date.now() + timeoutS * 1000;
  while (calm < 2) {
    if (Date.now() > deadline) break;
    await page.waitForTimeout(1000);
    state = await page.evaluate(STATE);
    calm = state.idle && state.running === 0 ? calm + 1 : 0;
  }
  const seconds = (Date.now() - started) / 1000;
  const problems = [];
  if (calm < 2)
    problems.push(`not finished after ${timeoutS} s (${state?.running} cell(s) still running or queued)`);
  for (const cell of state?.cells ?? []) {
    const where = `cell ${cell.index} (${cell.first})`;
    if (!cell.executed)
      problems.push(`${where}: did not run (an earlier cell failed, or the run was cut short)`);
    for (const e of cell.errors) problems.push(`${where}: shows an error: ${e}`);
    // tslab reports a failing cell on stderr, not as an error output.
    for (const e of cell.stderr) if (/error|exception/i.test(e)) problems.push(`${where}: stderr: ${e}`);
    if (cell.tableCalls && cell.tables === 0)
      problems.push(`${where}: calls displayTable( but shows no HTML table`);
    if (cell.charts && (cell.svgs === 0 || cell.nonEmptyPaths === 0)) {
      problems.push(
        `${where}: calls displayChart( but shows ${cell.svgs} SVG(s) with ${cell.nonEmptyPaths} non-empty paths`,
      );
    }
  }
  for (const e of consoleErrors) problems.push(`page error: ${e}`);
  // The Vega-Lite bundles as the kernel sent them (the notebook model's outputs), for vega-embed.
  const bundles = await page.evaluate(
    ([mime]) =>
      window.Jupyter.notebook
        .get_cells()
        .flatMap((c, i) =>
          (c.output_area?.outputs ?? [])
            .filter((o) => o.data?.[mime] !== undefined)
            .map((o) => ({ cell: i + 1, spec: o.data[mime] })),
        ),
    [VEGA_LITE_MIME],
  );
  // Screenshots: the first screen, the first table, and each chart as it shows.
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')))
    rmSync(path.join(OUT, f));
  await page.screenshot({ path: path.join(OUT, `${name}-top.png`) });
  const table = await page.$('.output_area .output_html table');
  if (table) {
    await table.scrollIntoViewIfNeeded();
    await table.screenshot({ path: path.join(OUT, `${name}-table.png`) });
  }
  const charts = await page.$$('.output_area .output_svg, .output_area svg');
  let shot = 0;
  for (const chart of charts) {
    if (
      (await chart.evaluate((el) => el.tagName.toLowerCase())) === 'svg' &&
      (await chart.evaluate((el) => !!el.closest('.output_svg')))
    )
      continue;
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: path.join(OUT, `${name}-chart-${String(++shot).padStart(2, '0')}.png`) });
  }
  const chartCells = (state?.cells ?? []).filter((c) => c.charts);
  await page.close();
  await shutDownKernels(); // one notebook's kernel must not keep running (and using CPU) during the next

  return {
    name,
    bundles,
    seconds,
    problems,
    charts: shot,
    chartCells: chartCells.length,
    paths: chartCells.reduce((n, c) => n + c.nonEmptyPaths, 0),
  };
}

// ---------------------------------------------------------------- every bundle with vega-embed

const titleOf = (spec) => (typeof spec.title === 'string' ? spec.title : (spec.title?.text ?? ''));

/** Whether a parameter of the spec, at any depth, is bound to an input (Vega-Lite `params[].bind`). */
function hasBoundParam(node) {
  if (Array.isArray(node)) return node.some(hasBoundParam);
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node.params) && node.params.some((p) => p && typeof p === 'object' && 'bind' in p))
    return true;
  return Object.entries(node).some(([key, value]) => key !== 'data' && hasBoundParam(value));
}

/**
 * Draws every bundle with vega-embed, one at a time, in a blank page, as JupyterLab would; returns
 * problems (an error or a warning on the console, a failed embed, an interactive chart without a
 * bound parameter or without its input elements). Moves the slider of the interactive charts and
 * screenshots them.
 */
async function embedAll(browser, results) {
  const problems = [];
  for (const f of EMBED_SCRIPTS)
    if (!existsSync(f)) return { problems: [`${f} is missing: run npm ci`], drawn: 0 };
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  let messages = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`page error: ${e}`));
  await page.setContent('<!doctype html><html><body></body></html>');
  for (const f of EMBED_SCRIPTS) await page.addScriptTag({ path: f });
  let drawn = 0;
  for (const { name, bundles } of results) {
    for (const [k, { cell, spec }] of bundles.entries()) {
      const where = `${name} cell ${cell} (${titleOf(spec) || 'untitled'})`;
      const wanted = INTERACTIVE.find(([nb, title]) => nb === name && title === titleOf(spec));
      if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
        problems.push(`${where}: the Vega-Lite bundle is a ${typeof spec}, not a JSON object`);
        continue;
      }
      if (wanted && !hasBoundParam(spec)) problems.push(`${where}: has no parameter bound to an input`);
      messages = [];
      const id = `chart-${name}-${k}`;
      const result = await page.evaluate(
        async ([id, spec]) => {
          const el = document.createElement('div');
          el.id = id;
          document.body.replaceChildren(el);
          try {
            const { view } = await window.vegaEmbed(el, spec, { actions: true });
            await view.runAsync();
            return { ok: true, inputs: el.querySelectorAll('.vega-bindings input').length };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        },
        [id, spec],
      );
      if (!result.ok) problems.push(`${where}: vega-embed failed: ${result.error}`);
      else drawn++;
      if (result.ok && wanted) {
        if (result.inputs === 0) problems.push(`${where}: vega-embed drew no input for its parameter`);
        // Move the slider two thirds of the way, as a reader would, and show the chart answering.
        await page.evaluate((id) => {
          const input = document.querySelector(`#${id} .vega-bindings input[type=range]`);
          if (!input) return;
          const [min, max] = [Number(input.min), Number(input.max)];
          input.value = String(min + (2 / 3) * (max - min));
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }, id);
        await page.waitForTimeout(300);
        await (await page.$(`#${id}`)).screenshot({ path: path.join(OUT, `embed-${wanted[2]}.png`) });
      }
      await page.waitForTimeout(50); // let late warnings (renders after the embed resolved) arrive
      for (const m of messages) problems.push(`${where}: ${m}`);
    }
  }
  for (const [nb, title] of INTERACTIVE) {
    const r = results.find((x) => x.name === nb);
    if (r && !r.bundles.some((b) => titleOf(b.spec) === title))
      problems.push(`${nb}: no chart titled "${title}" (the interactive chart this test looks for)`);
  }
  await page.close();
  return { problems, drawn };
}

// ---------------------------------------------------------------- main

let failed = 0;
let embedFailed = false;
let browser;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const results = [];
  for (const notebook of notebooks) {
    const r = await runNotebook(browser, notebook);
    results.push(r);
    if (r.problems.length === 0) {
      console.log(
        `ok   ${r.name}  ${r.seconds.toFixed(1)} s  ${r.chartCells} chart cell(s), ${r.charts} chart screenshot(s), ${r.paths} non-empty SVG paths`,
      );
    } else {
      failed++;
      console.log(`FAIL ${r.name}  ${r.seconds.toFixed(1)} s`);
      for (const p of r.problems) console.log(`  ${r.name}: ${p}`);
    }
  }
  const embedded = await embedAll(browser, results);
  const bundleCount = results.reduce((n, r) => n + r.bundles.length, 0);
  if (embedded.problems.length === 0) {
    console.log(
      `ok   vega-embed  ${embedded.drawn} of ${bundleCount} chart bundle(s) drawn, no error or warning`,
    );
  } else {
    embedFailed = true;
    console.log(`FAIL vega-embed  ${embedded.drawn} of ${bundleCount} chart bundle(s) drawn`);
    for (const p of embedded.problems) console.log(`  vega-embed: ${p}`);
  }
} catch (error) {
  failed++;
  console.error(`browser-test: ${error.stack ?? error}`);
} finally {
  await browser?.close();
  await shutDownKernels();
  await stopServer();
}
console.log(`screenshots in ${path.relative(process.cwd(), OUT) || OUT}/`);
console.log(
  `${notebooks.length - failed} passed, ${failed} failed${embedFailed ? '; the vega-embed check failed' : ''}`,
);
process.exit(failed > 0 || embedFailed ? 1 : 0);
