#!/usr/bin/env node
// Executes notebooks headless on the tslab kernel and checks what they produced.
//
//   node notebooks/execute.mjs [--timeout=SECONDS] [--out-dir=DIR] [--html [--html-dir=DIR]]
//                              [NOTEBOOK.ipynb ...]
//
// --html also writes each notebook that ran cleanly as HTML, executed, to data/notebooks/ (or
// --html-dir), for reading without a kernel: nbconvert's HTML exporter (Debian's
// jupyter-nbconvert), with each chart as the static SVG the kernel sent (the Vega-Lite bundle is
// left out of that copy, so the page needs no script from a CDN to show its charts) and each
// table as the HTML displayTable sent.
// Without paths: every notebooks/*.ipynb. Each notebook runs in its own directory (as in
// Jupyter, so `import ... from '../dist/lib/index.js'` works from notebooks/), with
// node_modules/.bin first on PATH (the tslab kernel spec starts `tslab` from PATH). The executed
// copies go to .tmp/notebooks/ (git-ignored). Fails (exit 1), naming notebook and cell, when a
// cell errs (tslab reports errors on stderr and in the execute reply, not as an `error` output:
// the driver below turns that into one), times out, calls `displayChart(` without leaving a
// display_data that carries image/svg+xml, or `displayTable(` without one that carries text/html. Also checks the tslab kernel is registered and
// registers it (`tslab install`) if not. Cell numbers in messages count every cell from 1.
//
// Needs Jupyter (Debian: jupyter-notebook python3-nbclient jupyter-nbconvert). Without it:
// exit 1 when CI=true, otherwise prints "skipped: jupyter not found" and exits 0.
// The library must be built first (`npx tsc -p .`): notebooks import dist/, not the sources.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs as parseNodeArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const KERNEL = 'tslab';
const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
const isCI = process.env.CI === 'true';

// ---------------------------------------------------------------- arguments

function usage() {
  return 'usage: node notebooks/execute.mjs [--timeout=SECONDS] [--out-dir=DIR] [--html [--html-dir=DIR]] [NOTEBOOK.ipynb ...]';
}

function parseArgs(argv) {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: argv,
      allowPositionals: true,
      options: {
        timeout: { type: 'string' },
        'out-dir': { type: 'string' },
        html: { type: 'boolean' },
        'html-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    refuse(
      'option',
      error.message.split('\n')[0],
      '--timeout=SECONDS, --out-dir=DIR, --html, --html-dir=DIR, --help',
    );
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const opts = {
    timeout: 300,
    outDir: path.join(ROOT, '.tmp', 'notebooks'),
    html: values.html === true,
    htmlDir: path.join(ROOT, 'data', 'notebooks'),
    paths: [],
  };
  if (values['html-dir'] !== undefined) {
    if (!opts.html) refuse('--html-dir', values['html-dir'], 'only with --html');
    opts.htmlDir = path.resolve(values['html-dir']);
  }
  if (values.timeout !== undefined) {
    const n = Number(values.timeout);
    if (!Number.isInteger(n) || n < 1)
      refuse('--timeout', values.timeout, 'a whole number of seconds >= 1 (per cell)');
    opts.timeout = n;
  }
  if (values['out-dir'] !== undefined) opts.outDir = path.resolve(values['out-dir']);
  for (const arg of positionals) {
    if (!arg.endsWith('.ipynb')) refuse('notebook', arg, 'a path ending in .ipynb');
    if (!existsSync(arg)) refuse('notebook', arg, 'an existing file');
    opts.paths.push(path.resolve(arg));
  }
  return opts;
}

/** Bad input: one line naming the parameter, what was given and what is allowed; exit 2. */
function refuse(parameter, given, allowed) {
  console.error(`execute.mjs: ${parameter}: got ${given}; allowed: ${allowed}`);
  process.exit(2);
}

// ---------------------------------------------------------------- environment

const env = {
  ...process.env,
  PATH: [BIN, process.env.PATH ?? ''].join(path.delimiter),
  PYTHONUNBUFFERED: '1',
};

function onPath(cmd) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The Python that runs Jupyter: the interpreter in the `jupyter` script's shebang. A bare
 * `python3` can be another one (e.g. a pyenv shim without jupyter_client), which is exactly what
 * breaks a plain `tslab install`. REPLILAB_JUPYTER_PYTHON overrides.
 */
function findJupyterPython() {
  if (process.env.REPLILAB_JUPYTER_PYTHON) return process.env.REPLILAB_JUPYTER_PYTHON;
  const jupyter = onPath('jupyter');
  if (!jupyter) return undefined;
  const first = readFileSync(jupyter, 'utf8').slice(0, 300).split('\n')[0] ?? '';
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return 'python3';
  return path.basename(m[1]) === 'env' && m[2] ? m[2] : m[1];
}

function python(py, code, args = [], options = {}) {
  return spawnSync(py, ['-c', code, ...args], { env, encoding: 'utf8', maxBuffer: 256 << 20, ...options });
}

function jupyterMissing(why) {
  if (isCI) {
    console.error(
      `execute.mjs: jupyter not found (${why}); CI=true, so this fails. Install Debian's jupyter-notebook python3-nbclient jupyter-nbconvert.`,
    );
    process.exit(1);
  }
  console.log(`skipped: jupyter not found (${why})`);
  process.exit(0);
}

const KERNEL_SPEC_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    spec = KernelSpecManager().get_kernel_spec(sys.argv[1])
    print(json.dumps({"argv": spec.argv, "dir": spec.resource_dir}))
except NoSuchKernel:
    print("null")
`;

function kernelSpec(py) {
  const r = python(py, KERNEL_SPEC_PY, [KERNEL]);
  if (r.status !== 0) throw new Error(`cannot read kernel specs: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout.trim());
}

/** A kernel spec whose command can start here: `tslab` on our PATH, or an existing absolute path. */
function usable(spec) {
  const cmd = spec?.argv?.[0];
  if (typeof cmd !== 'string') return false;
  return path.isAbsolute(cmd) ? existsSync(cmd) : onPath(cmd) !== undefined;
}

function ensureKernel(py) {
  if (!onPath('tslab')) {
    console.error(`execute.mjs: ${path.join(BIN, 'tslab')} not found; run npm ci first.`);
    process.exit(1);
  }
  const spec = kernelSpec(py);
  if (usable(spec)) return spec;
  const what = spec
    ? `registered as ${JSON.stringify(spec.argv)}, which cannot start here`
    : 'not registered';
  console.log(`tslab kernel ${what}: running tslab install --python=${py}`);
  const r = spawnSync('tslab', ['install', `--python=${py}`], { env, encoding: 'utf8' });
  const after = r.status === 0 ? kernelSpec(py) : null;
  if (!usable(after)) {
    console.error(
      `execute.mjs: tslab install failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim()}`,
    );
    process.exit(1);
  }
  console.log(`tslab kernel registered in ${after.dir}`);
  return after;
}

// ---------------------------------------------------------------- execution

// Runs one notebook with nbclient (what `jupyter nbconvert --execute` uses), stopping at the
// first failing cell, and always writes the executed copy. tslab sends no `error` message: a
// failing cell only has stderr output and an execute_reply with status "error" (nbconvert then
// aborts without writing the notebook and says "<Error>:"). So a failure is recorded here as an
// `error` output on the failing cell, with the cell's stderr as traceback.
// Prints one JSON line: {"status": "ok"|"error"|"timeout"|"dead-kernel"|"failed", "cell", "message"}.
const DRIVER_PY = `
import json, os, re, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

src, dst, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(src, as_version=4)
current = {"index": None}

def on_cell_execute(cell, cell_index):
    current["index"] = cell_index

client = NotebookClient(
    nb, timeout=timeout, startup_timeout=120, kernel_name=kernel, allow_errors=False,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    on_cell_execute=on_cell_execute,
)
status = {"status": "ok", "cell": None, "message": ""}
try:
    client.execute()
except CellTimeoutError as e:
    status = {"status": "timeout", "cell": current["index"], "message": "timed out after %d s" % timeout}
except DeadKernelError as e:
    status = {"status": "dead-kernel", "cell": current["index"], "message": "kernel died: %s" % e}
except CellExecutionError as e:
    status = {"status": "error", "cell": current["index"], "message": ""}
except Exception as e:
    status = {"status": "failed", "cell": current["index"], "message": "%s: %s" % (type(e).__name__, e)}

i = status["cell"]
if status["status"] != "ok" and i is not None and nb.cells[i].cell_type == "code":
    cell = nb.cells[i]
    outputs = cell.setdefault("outputs", [])
    if not any(o.get("output_type") == "error" for o in outputs):
        stderr = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
        lines = [l for l in stderr.strip().splitlines() if l.strip()]
        named = [l.strip() for l in lines if re.match(r"^\\s*[\\w$]*(Error|Exception)\\b", l)]
        evalue = status["message"] or (named or lines or ["the kernel replied with status error"])[0]
        outputs.append(nbformat.v4.new_output(
            "error", ename="Cell" + status["status"].title().replace("-", ""), evalue=evalue,
            traceback=stderr.rstrip().splitlines() or [evalue]))

os.makedirs(os.path.dirname(dst), exist_ok=True)
tmp = dst + ".partial-%d" % os.getpid()
nbformat.write(nb, tmp)
os.replace(tmp, dst)
print("REPLILAB_STATUS " + json.dumps(status))
`;

function text(value) {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

function firstLine(source) {
  const line =
    text(source)
      .split('\n')
      .find((l) => l.trim() !== '') ?? '';
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

/** Problems in an executed notebook, one string per problem. */
function check(nb, status) {
  const problems = [];
  const stoppedAt = status.status === 'ok' ? Infinity : (status.cell ?? -1);
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code' || index > stoppedAt) return;
    const where = `cell ${index + 1} (${firstLine(cell.source)})`;
    const outputs = cell.outputs ?? [];
    for (const out of outputs) {
      if (out.output_type === 'error') {
        // eslint-disable-next-line no-control-regex -- ESC [ ... m: the colour codes in tslab's tracebacks
        const tb = (out.traceback ?? []).map((l) => text(l).replace(/\x1b\[[0-9;]*m/g, '')).slice(0, 12);
        const detail = tb.length > 0 && tb.join('\n') !== out.evalue ? `\n    ${tb.join('\n    ')}` : '';
        problems.push(`${where}: ${out.ename}: ${out.evalue}${detail}`);
      }
    }
    if (index === stoppedAt) return;
    if (
      text(cell.source).includes('displayTable(') &&
      !outputs.some((o) => o.output_type === 'display_data' && o.data?.['text/html'] !== undefined)
    ) {
      problems.push(`${where}: calls displayTable( but has no display_data with text/html`);
    }
    if (text(cell.source).includes('displayChart(')) {
      const shown = outputs.filter(
        (o) => o.output_type === 'display_data' && o.data?.['image/svg+xml'] !== undefined,
      );
      if (shown.length === 0) {
        problems.push(`${where}: calls displayChart( but has no display_data with image/svg+xml`);
      }
      for (const o of shown) {
        const vl = o.data[VEGA_LITE_MIME];
        if (vl !== undefined && (typeof vl !== 'object' || vl === null || Array.isArray(vl))) {
          problems.push(
            `${where}: ${VEGA_LITE_MIME} is a ${typeof vl}, not a JSON object (JupyterLab will not render it)`,
          );
        }
      }
    }
  });
  if (status.status !== 'ok' && problems.length === 0) {
    problems.push(
      `${status.cell == null ? 'before any cell' : `cell ${status.cell + 1}`}: ${status.status}: ${status.message}`,
    );
  }
  return problems;
}

/** notebooks/x.ipynb -> OUT/x.ipynb; other paths in the repo keep their relative path under OUT. */
function outputPath(outDir, notebook) {
  for (const base of [path.join(ROOT, 'notebooks'), ROOT]) {
    const rel = path.relative(base, notebook);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(outDir, rel);
  }
  return path.join(outDir, path.basename(notebook));
}

function runNotebook(py, notebook, opts) {
  const dst = outputPath(opts.outDir, notebook);
  mkdirSync(path.dirname(dst), { recursive: true });
  const started = performance.now();
  const r = python(py, DRIVER_PY, [notebook, dst, KERNEL, String(opts.timeout)], {
    cwd: path.dirname(notebook),
  });
  const seconds = (performance.now() - started) / 1000;
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('REPLILAB_STATUS '));
  if (r.status !== 0 || !line) {
    const err = (r.stderr || String(r.error ?? '')).trim().split('\n').slice(-8).join('\n    ');
    return { seconds, dst, problems: [`the nbclient driver failed (exit ${r.status}):\n    ${err}`] };
  }
  const status = JSON.parse(line.slice('REPLILAB_STATUS '.length));
  const nb = JSON.parse(readFileSync(dst, 'utf8'));
  return { seconds, dst, problems: check(nb, status) };
}

// ---------------------------------------------------------------- HTML copies

// Writes an executed notebook as HTML. In the copy converted, each chart's output carries its SVG
// as text/html only: the Vega-Lite bundle would need vega-embed from a CDN in the page (a reader
// offline would see no chart), and nbconvert 6's lab template passes image/svg+xml through lxml's
// clean_html, which keeps the text of an SVG and drops its drawing (templates/lab/base.html.j2,
// block data_svg), while text/html goes in as it is. Every chart numbers its clip paths from 1
// (lib/charts/render.ts), so ids get a per-chart prefix: one page holds them all.
const HTML_PY = `
import re, sys, nbformat
from nbconvert import HTMLExporter
src, dst, mime = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(src, as_version=4)
n = 0
for cell in nb.cells:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/svg+xml" in data and "text/html" not in data:
            n += 1
            svg = re.sub(r'id="([^"]+)"', r'id="chart%d-\\1"' % n, data["image/svg+xml"])
            svg = re.sub(r'(url\\(#|href="#)', r'\\1chart%d-' % n, svg)
            out["data"] = {"text/html": svg, "text/plain": data.get("text/plain", "")}
body, _ = HTMLExporter().from_notebook_node(nb)
tmp = dst + ".partial"
with open(tmp, "w", encoding="utf-8") as f:
    f.write(body)
import os
os.replace(tmp, dst)
`;

function writeHtml(py, executed, htmlDir) {
  mkdirSync(htmlDir, { recursive: true });
  const dst = path.join(htmlDir, path.basename(executed, '.ipynb') + '.html');
  const r = python(py, HTML_PY, [executed, dst, VEGA_LITE_MIME]);
  if (r.status !== 0) {
    const err = (r.stderr || String(r.error ?? '')).trim().split('\n').slice(-3).join(' ');
    return { dst, problem: `nbconvert failed (exit ${r.status}): ${err}` };
  }
  return { dst, problem: null };
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
const notebooks =
  opts.paths.length > 0
    ? opts.paths
    : readdirSync(path.join(ROOT, 'notebooks'))
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => path.join(ROOT, 'notebooks', f));

const py = findJupyterPython();
if (!py) jupyterMissing('no `jupyter` on PATH');
const probe = python(
  py,
  opts.html
    ? 'import nbclient, nbformat, jupyter_client, nbconvert'
    : 'import nbclient, nbformat, jupyter_client',
);
if (probe.status !== 0) {
  jupyterMissing(
    `${py} cannot import nbclient/nbformat/jupyter_client: ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`,
  );
}
if (notebooks.length === 0) {
  console.log('no notebooks in notebooks/');
  process.exit(0);
}
ensureKernel(py);
if (!existsSync(path.join(ROOT, 'dist'))) {
  console.log(
    'note: dist/ does not exist; notebooks import the built library, build it first (npx tsc -p .)',
  );
}

let failed = 0;
for (const notebook of notebooks) {
  const name = path.relative(process.cwd(), notebook) || notebook;
  const { seconds, dst, problems } = runNotebook(py, notebook, opts);
  if (problems.length === 0 && opts.html) {
    const { dst: html, problem } = writeHtml(py, dst, opts.htmlDir);
    if (problem) problems.push(problem);
    else console.log(`     ${path.relative(process.cwd(), html)}`);
  }
  if (problems.length === 0) {
    // Each notebook is meant to run in under a minute in its quick setting.
    console.log(
      `ok   ${name}  ${seconds.toFixed(1)} s${seconds > 60 ? '  (over a minute: check its quick setting)' : ''}`,
    );
  } else {
    failed++;
    console.log(
      `FAIL ${name}  ${seconds.toFixed(1)} s  (executed copy: ${path.relative(process.cwd(), dst)})`,
    );
    for (const p of problems) console.log(`  ${name}: ${p}`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${notebooks.length} notebook(s) failed`);
  process.exit(1);
}
