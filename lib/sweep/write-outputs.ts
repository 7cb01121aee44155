import { relative } from 'node:path';
import { writeFigure, type FigureFormat, type VegaLiteSpec } from '../charts/index.js';
import { writeCsv, type CsvValue } from '../output/csv.js';
import { describeRun, manifestPathFor, writeManifest, type Manifest } from '../output/manifest.js';

/** A chart to write beside a CSV: a Vega-Lite spec and the base path (no extension). */
export interface FigureRequest {
  spec: VegaLiteSpec;
  basePath: string;
}

/** Everything one experiment run leaves on disk. */
export interface ExperimentOutputs {
  csvPath: string;
  columns: readonly string[];
  rows: readonly Record<string, CsvValue>[];
  figures?: FigureRequest[];
  formats?: FigureFormat[];
  /** The manifest's run fields; the environment and the outputs list are filled in here. */
  run: Omit<Manifest, 'packageVersion' | 'gitCommit' | 'nodeVersion' | 'outputs'>;
}

/**
 * The one output path of every experiment: the CSV, its figures, then the manifest that lists
 * them, each written atomically. Returns the paths written, manifest last.
 *
 * @example
 * const paths = await writeExperimentOutputs({ csvPath: 'data/x.csv', columns, rows, run });
 */
export async function writeExperimentOutputs(outputs: ExperimentOutputs): Promise<string[]> {
  const written = [outputs.csvPath];
  writeCsv(outputs.csvPath, outputs.columns, outputs.rows);
  const formats = outputs.formats ?? [];
  if (formats.length > 0) {
    for (const figure of outputs.figures ?? [])
      written.push(...(await writeFigure(figure.spec, figure.basePath, formats)));
  }
  const manifestPath = manifestPathFor(outputs.csvPath);
  writeManifest(
    manifestPath,
    describeRun({ ...outputs.run, outputs: written.map((p) => relative(process.cwd(), p)) }),
  );
  written.push(manifestPath);
  return written;
}
