/**
 * Tables: run results and lab CSVs as Arquero tables, estimates with their intervals, and their
 * display in a notebook (HTML) or a terminal (text).
 *
 * @example
 * import { loadResults, intervalColumns, displayTable } from 'replilab/tables'; // from a notebook
 * displayTable(intervalColumns(loadResults('data/leaderless/quorums.csv')));
 */
export { type ResultsTable, type TableValue, loadResults, toTable } from './load.js';
export {
  type IntervalColumn,
  type IntervalColumnsOptions,
  findIntervals,
  formatInterval,
  formatNumber,
  intervalColumns,
} from './format.js';
export { type DisplayTableOptions, displayTable, tableHtml, tableText } from './display.js';
