/**
 * Charts: Vega-Lite v5 spec builders, headless SVG/PNG export and notebook display.
 *
 * @example
 * import { stalenessCurveSpec, writeFigure, displayChart } from '../dist/lib/charts/index.js'; // from a notebook
 */
export {
  type ChartTheme,
  type ThemeName,
  chartFont,
  defaultTheme,
  grayscaleSafe,
  okabeIto,
  paper,
  paperDashes,
  paperDouble,
  screen,
  talk,
  themes,
  themeConfig,
} from './theme.js';
export { type ChartRow, type RowFields, checkRows } from './validate.js';
export { type SeriesChannelOptions, seriesChannels } from './series.js';
export {
  type CursorChart,
  type CursorOptions,
  INTERACTIVE_PREFIX,
  cursorLayers,
  hasBoundParam,
  staticSpec,
} from './interactive.js';
export {
  type IntervalLinesOptions,
  type LineInterpolation,
  bandLayer,
  intervalLinesSpec,
} from './interval-lines.js';
export {
  type CdfRow,
  type CdfOptions,
  cdfRowsFromHistogram,
  cdfRowsFromQuantiles,
  cdfRowsFromSamples,
  cdfSpec,
  dkwHalfWidth,
  quantileLevel,
} from './cdf.js';
export {
  type FailoverRow,
  type FailoverOptions,
  type FailoverRowOptions,
  failoverRow,
  failoverSpec,
} from './failover.js';
export { type LwwLossRow, type LwwLossOptions, lwwLossRow, lwwLossSpec } from './lww-loss.js';
export {
  type ConvergenceRow,
  type ConvergenceMarker,
  type ConvergenceOptions,
  convergenceRows,
  convergenceSpec,
} from './convergence.js';
export { VEGA_LITE_SCHEMA, type VegaLiteSpec, fieldRef, probabilityDomain, uniqueInOrder } from './spec.js';
export { type StalenessCurveRow, type StalenessCurveOptions, stalenessCurveSpec } from './staleness-curve.js';
export { type HeatmapKey, type HeatmapRow, type HeatmapOptions, heatmapSpec } from './heatmap.js';
export { type ParetoPoint, paretoFront } from './pareto.js';
export {
  type LabelledPoint,
  type PlacedLabel,
  type LabelPlacementOptions,
  type PlotBox,
  placeLabels,
} from './label-placement.js';
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
  FIGURE_FORMATS,
  chartFontFiles,
  compileToVega,
  figureFiles,
  pngScale,
  renderSvg,
  specTitle,
  svgToPng,
  writeFigure,
} from './render.js';
export { type PdfOptions, svgSize, svgToPdf } from './pdf.js';
export { chartFontFaces, chartTextWidth, useChartTextMetrics } from './text-metrics.js';
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
export {
  type SystemComparisonRow,
  type SystemComparisonOptions,
  systemComparisonSpec,
} from './system-comparison.js';
export {
  TABLE_CHART_KINDS,
  type TableChartKind,
  type TableRow,
  type TableChartOptions,
  tableChartSpec,
} from './from-table.js';
