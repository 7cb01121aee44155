/**
 * How experiments declare their figures: each figure is a `replilab chart` request (a chart kind
 * and which CSV columns play which part) drawn from the experiment's CSV. `npm start` draws them
 * from the CSV it has just written, and `npm run figures` draws them again from the CSVs under
 * data/ alone (the manifest beside each CSV names its experiment), so both give the same bytes.
 */
import { basename, dirname, join } from 'node:path';
import {
  paper,
  tableChartSpec,
  writeFigure,
  type ChartTheme,
  type FigureFormat,
  type PngOptions,
  type TableChartOptions,
  type TableRow,
} from '../lib/charts/index.js';
import { readCsvTable } from '../lib/cli/chart-command.js';

/** One figure of an experiment: its name (the file is `<csv name>-<name>`) and what to draw. */
export interface FigureRecipe {
  name: string;
  /**
   * The CSV it is drawn from: its name without `.csv` (`quorums` for `data/leaderless/quorums.csv`).
   * Absent: every CSV of the experiment (the staleness presets share their figures).
   */
  csv?: string;
  /**
   * The rows drawn instead of the CSV's own: the CSV's rows with derived columns (a count per 1000
   * of its total, a distribution's bound as a number) or reshaped, so the CSV keeps the model's
   * columns. It must be pure: `npm start` and `npm run figures` draw the same bytes.
   */
  rows?: (rows: readonly TableRow[]) => TableRow[];
  chart: Omit<TableChartOptions, 'theme'>;
}

/** How figures are drawn: theme, formats and PNG resolution. */
export interface FigureStyle {
  theme: ChartTheme;
  formats: readonly FigureFormat[];
  png: PngOptions;
}

/** The default: one paper column, SVG + PNG at 300 dpi + PDF. */
export const DEFAULT_FIGURE_STYLE: FigureStyle = {
  theme: paper,
  formats: ['svg', 'png', 'pdf'],
  png: { dpi: 300 },
};

/**
 * The recipes that apply to the CSV at `csvPath`: those naming it, and those naming no CSV.
 *
 * @example
 * recipesFor('data/leaderless/quorums.csv', leaderlessFigures).map((r) => r.name); // ['stale-reads']
 */
export function recipesFor(csvPath: string, recipes: readonly FigureRecipe[]): FigureRecipe[] {
  const name = basename(csvPath, '.csv');
  return recipes.filter((recipe) => recipe.csv === undefined || recipe.csv === name);
}

/**
 * Draws the `recipes` that apply to the CSV at `csvPath` ({@link recipesFor}) into files beside
 * it: `<name>-<recipe>` (plus `-<theme>` for a theme other than paper). Returns the paths written.
 *
 * @example
 * await drawRecipes('data/staleness/wan.csv', stalenessFigures); // data/staleness/wan-curves.svg, ...
 */
export async function drawRecipes(
  csvPath: string,
  recipes: readonly FigureRecipe[],
  style: FigureStyle = DEFAULT_FIGURE_STYLE,
): Promise<string[]> {
  const rows = readCsvTable(csvPath, csvPath);
  const suffix = style.theme.name === 'paper' ? '' : `-${style.theme.name}`;
  const written: string[] = [];
  for (const recipe of recipesFor(csvPath, recipes)) {
    const spec = tableChartSpec(recipe.rows ? recipe.rows(rows) : rows, {
      ...recipe.chart,
      theme: style.theme,
    });
    const base = join(dirname(csvPath), `${basename(csvPath, '.csv')}-${recipe.name}${suffix}`);
    written.push(...(await writeFigure(spec, base, style.formats, style.png)));
  }
  return written;
}
