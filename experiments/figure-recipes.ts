/**
 * How experiments declare their figures: each figure is a `replilab chart` request (a chart kind
 * and which CSV columns play which part) drawn from the experiment's CSV. `npm start` draws them
 * from the CSV it has just written, and `npm run figures` draws them again from the CSVs under
 * data/ alone (the manifest beside each CSV names its experiment), so both give the same bytes.
 */
import { basename, dirname, join } from 'node:path';
import { paper, tableChartSpec, writeFigure, type ChartTheme, type FigureFormat, type PngOptions, type TableChartOptions } from '../lib/charts/index.js';
import { readCsvTable } from '../lib/cli/chart-command.js';

/** One figure of an experiment: its name (the file is `<csv name>-<name>`) and what to draw. */
export interface FigureRecipe {
  name: string;
  chart: Omit<TableChartOptions, 'theme'>;
}

/** How figures are drawn: theme, formats and PNG resolution. */
export interface FigureStyle {
  theme: ChartTheme;
  formats: readonly FigureFormat[];
  png: PngOptions;
}

/** The default: one paper column, SVG + PNG at 300 dpi + PDF. */
export const DEFAULT_FIGURE_STYLE: FigureStyle = { theme: paper, formats: ['svg', 'png', 'pdf'], png: { dpi: 300 } };

/**
 * Draws `recipes` from the CSV at `csvPath` into files beside it: `<name>-<recipe>` (plus
 * `-<theme>` for a theme other than paper). Returns the paths written.
 *
 * @example
 * await drawRecipes('data/staleness/wan.csv', stalenessFigures); // data/staleness/wan-curves.svg, ...
 */
export async function drawRecipes(csvPath: string, recipes: readonly FigureRecipe[], style: FigureStyle = DEFAULT_FIGURE_STYLE): Promise<string[]> {
  const rows = readCsvTable(csvPath, csvPath);
  const suffix = style.theme.name === 'paper' ? '' : `-${style.theme.name}`;
  const written: string[] = [];
  for (const recipe of recipes) {
    const spec = tableChartSpec(rows, { ...recipe.chart, theme: style.theme });
    const base = join(dirname(csvPath), `${basename(csvPath, '.csv')}-${recipe.name}${suffix}`);
    written.push(...(await writeFigure(spec, base, style.formats, style.png)));
  }
  return written;
}
