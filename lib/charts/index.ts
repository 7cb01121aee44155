/**
 * Charts: Vega-Lite v5 spec builders, headless SVG/PNG export and notebook display.
 *
 * @example
 * import { stalenessCurveSpec, writeFigure, displayChart } from '../dist/lib/charts/index.js'; // from a notebook
 */
export { type ChartTheme, chartFont, okabeIto, paper, talk, themes, themeConfig } from './theme.js';
export { VEGA_LITE_SCHEMA, type VegaLiteSpec, probabilityDomain, uniqueInOrder } from './spec.js';
export {
  type StalenessCurveRow,
  type StalenessCurveOptions,
  stalenessCurveSpec,
} from './staleness-curve.js';
export { type HeatmapKey, type HeatmapRow, type HeatmapOptions, heatmapSpec } from './heatmap.js';
export { type ParetoPoint, paretoFront } from './pareto.js';
export {
  type TradeoffRow,
  type TradeoffOptions,
  DOMINATED_LABEL,
  PARETO_LABEL,
  latencyStalenessTradeoffSpec,
} from './tradeoff.js';
export {
  type TimelineNode,
  type TimelineEvent,
  type MessageSequenceInput,
  type MessageSequenceOptions,
  TIMELINE_DECIDING,
  TIMELINE_LATE,
  messageSequenceSpec,
} from './timeline.js';
export {
  type FigureFormat,
  type PngOptions,
  chartFontFiles,
  compileToVega,
  renderSvg,
  svgToPng,
  writeFigure,
} from './render.js';
export {
  type ChartMimeBundle,
  type DisplayDataContent,
  type DisplayEnvironment,
  type DisplayRoute,
  VEGA_LITE_MIME,
  chartBundle,
  displayChart,
  findDisplayRoute,
} from './notebook.js';
