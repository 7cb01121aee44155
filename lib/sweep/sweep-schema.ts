/**
 * The JSON Schema of sweep files (draft 2020-12): the file's own fields, and for each experiment
 * the keys `grid`, `fixed` and `cells` may hold, each with the type, range, default, unit and doc
 * its parameter schema declares. Editors (the YAML language server, VS Code) autocomplete and
 * check sweep files with it; `replilab sweep --schema` prints it and the build writes it to
 * schema/sweep.schema.json.
 */
import { sweepParamSchemas, type JsonSchema } from '../experiments/describe.js';
import { EXPERIMENTS } from '../experiments/registry.js';
import { sweepExperiment, sweepExperimentNames } from './experiments.js';

/** The value schemas of an experiment's sweep keys: from its parameter schema where it has one. */
function keySchemas(name: string): Record<string, JsonSchema> {
  const declared = EXPERIMENTS.find((experiment) => experiment.name === name);
  if (declared !== undefined) return sweepParamSchemas(declared);
  // Experiments not yet declared by a schema: their parameter names and docs, any scalar value.
  return Object.fromEntries(
    sweepExperiment(name).parameters.map((p) => [
      p.name,
      {
        type: ['string', 'number', 'boolean'],
        description: p.doc,
        ...(p.default === undefined ? {} : { default: p.default }),
      },
    ]),
  );
}

function experimentRule(name: string): JsonSchema {
  const keys = keySchemas(name);
  const lists = Object.fromEntries(
    Object.entries(keys).map(([key, schema]) => [key, { type: 'array', minItems: 1, items: schema }]),
  );
  const mapping = (properties: Record<string, JsonSchema>) => ({
    type: 'object',
    properties,
    additionalProperties: false,
  });
  return {
    if: { properties: { experiment: { const: name } }, required: ['experiment'] },
    then: {
      properties: {
        grid: mapping(lists),
        fixed: mapping(keys),
        cells: { type: 'array', items: mapping(keys) },
      },
    },
  };
}

/**
 * The sweep file schema.
 *
 * @example
 * JSON.stringify(sweepFileSchema(), null, 2); // what schema/sweep.schema.json holds
 */
export function sweepFileSchema(): JsonSchema {
  const names = sweepExperimentNames();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'replilab sweep file',
    description:
      'An experiment run over a grid of parameter cells, with replicates and one seed (replilab sweep FILE).',
    type: 'object',
    required: ['experiment', 'seed', 'trials'],
    additionalProperties: false,
    properties: {
      experiment: { enum: names, description: 'the experiment to run' },
      seed: { type: 'integer', minimum: 0, description: 'seed of every random stream' },
      trials: { type: 'integer', minimum: 1, description: "trials per cell, in the experiment's unit" },
      grid: {
        type: 'object',
        description: 'lists of values whose cartesian product gives the cells (the last key varies fastest)',
      },
      cells: {
        type: 'array',
        items: { type: 'object' },
        description: 'an explicit list of cells (not with grid)',
      },
      fixed: { type: 'object', description: 'values shared by every cell' },
      replicates: {
        type: 'integer',
        minimum: 1,
        description: 'runs of each grid point, with distinct streams',
      },
      ci_width: {
        type: 'number',
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: "adaptive precision: run each cell until its main proportion's 95% interval is narrower",
      },
      max_trials: { type: 'integer', minimum: 1, description: 'with ci_width: the trial cap per cell' },
      description: { type: 'string', description: 'free text, for the reader of the file' },
    },
    not: { required: ['grid', 'cells'] },
    allOf: names.map(experimentRule),
  };
}
