/**
 * `npm run figures`: redraws every figure under data/ from the CSVs alone, without simulating.
 *
 *   node dist/experiments/figures.js [--data DIR] [--theme paper|talk|screen] [--columns 1|2]
 *                                    [--format svg,png,pdf] [--dpi D | --scale S]
 *
 * Each `<name>.manifest.json` names the experiment that wrote `<name>.csv` beside it; the
 * experiment's figure recipes for that CSV (default-experiments.ts: the same `replilab chart`
 * requests, on derived columns where a recipe says so, that `npm start` draws) are drawn from it.
 * With the defaults (paper, one column; SVG, PNG at 300 dpi, PDF) the files are byte-identical to
 * those `npm start` wrote. Manifests of CSVs no recipe names are listed and skipped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Command } from 'commander';
import { ParameterError } from '../lib/errors.js';
import { chartTheme, parseFigureFormats } from '../lib/cli/chart-command.js';
import { pngScale, type PngOptions } from '../lib/charts/index.js';
import { FIGURE_RECIPES } from './default-experiments.js';
import { DEFAULT_FIGURE_STYLE, drawRecipes, recipesFor, type FigureStyle } from './figure-recipes.js';

/** Every `*.manifest.json` under `dir`, in a stable (sorted) order. */
function manifests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...manifests(path));
    else if (entry.endsWith('.manifest.json')) found.push(path);
  }
  return found;
}

const program = new Command('figures')
  .description(
    'Redraw every figure under data/ from its CSV (the manifest names the experiment), without simulating.',
  )
  .option('--data <dir>', 'where the CSVs and manifests are', 'data')
  .option('--theme <name>', 'paper, talk or screen', 'paper')
  .option('--columns <1|2>', 'with --theme paper: one column or both')
  .option('--format <list>', 'comma list of svg, png, pdf', DEFAULT_FIGURE_STYLE.formats.join(','))
  .option('--dpi <d>', 'PNG resolution (default 300)')
  .option('--scale <s>', 'PNG zoom instead of --dpi')
  .parse();

const flags = program.opts<{
  data: string;
  theme: string;
  columns?: string;
  format: string;
  dpi?: string;
  scale?: string;
}>();
try {
  if (!existsSync(flags.data) || !statSync(flags.data).isDirectory())
    throw new ParameterError('--data', JSON.stringify(flags.data), 'an existing directory');
  const png: PngOptions =
    flags.scale !== undefined
      ? { scale: Number(flags.scale) }
      : { dpi: flags.dpi !== undefined ? Number(flags.dpi) : 300 };
  if (flags.scale !== undefined && flags.dpi !== undefined)
    throw new ParameterError('--dpi', flags.dpi, 'either --dpi or --scale, not both');
  pngScale(png);
  const style: FigureStyle = {
    theme: chartTheme(flags.theme, flags.columns),
    formats: parseFigureFormats('--format', flags.format),
    png,
  };
  const found = manifests(flags.data);
  let figures = 0;
  for (const manifestPath of found) {
    const experiment = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { experiment?: unknown })
      .experiment;
    const csvPath = manifestPath.replace(/\.manifest\.json$/, '.csv');
    const recipes =
      typeof experiment === 'string' && Object.hasOwn(FIGURE_RECIPES, experiment)
        ? recipesFor(csvPath, FIGURE_RECIPES[experiment])
        : [];
    if (recipes.length === 0 || !existsSync(csvPath)) {
      console.log(
        `skip ${relative('.', manifestPath)}: ${recipes.length === 0 ? `no figures declared for ${basename(csvPath)} of experiment ${JSON.stringify(experiment)}` : 'its CSV is missing'}`,
      );
      continue;
    }
    for (const path of await drawRecipes(csvPath, recipes, style)) {
      console.log(relative('.', path));
      figures++;
    }
  }
  console.log(`${figures} files from ${found.length} manifest(s) under ${flags.data}`);
} catch (error) {
  if (error instanceof ParameterError) {
    process.stderr.write(`figures: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
