/**
 * The JSON Schema of sweep files (draft 2020-12): the file's own fields, and for each experiment
 * and each system scenario (`scenario: NAME`) the keys `grid`, `fixed` and `cells` may hold, each
 * with the type, range, default, unit and doc its parameter schema declares (a scenario's: its
 * settings, then its experiment's parameters it does not derive, defaults the scenario's). Editors (the YAML language server, VS Code) autocomplete and
 * check sweep files with it; `replilab sweep --schema` prints it and the build writes it to
 * schema/sweep.schema.json.
 */
import { sweepParamSchemas, type JsonSchema } from '../experiments/describe.js';
import { EXPERIMENTS } from '../experiments/registry.js';
import { SYSTEM_SCENARIOS } from '../scenarios/catalog.js';
import { scenarioExperiment } from '../scenarios/preset.js';
import { sweepExperiment, sweepExperimentNames, sweepScenarioNames } from './experiments.js';

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
  return keysRule('experiment', name, keySchemas(name));
}

/** One rule per scenario: its keys' schemas, from the scenario as an experiment. */
function scenarioRule(name: string): JsonSchema {
  const scenario = SYSTEM_SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return keysRule('scenario', name, sweepParamSchemas(scenarioExperiment(scenario)));
}

function keysRule(
  field: 'experiment' | 'scenario',
  name: string,
  keys: Record<string, JsonSchema>,
): JsonSchema {
  const lists = Object.fromEntries(
    Object.entries(keys).map(([key, schema]) => [key, { type: 'array', minItems: 1, items: schema }]),
  );
  const mapping = (properties: Record<string, JsonSchema>) => ({
    type: 'object',
    properties,
    additionalProperties: false,
  });
  return {
    if: { properties: { [field]: { const: name } }, required: [field] },
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
  const scenarios = sweepScenarioNames();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'replilab sweep file',
    description:
      'An experiment run over a grid of parameter cells, with replicates and one seed (replilab sweep FILE).',
    type: 'object',
    required: ['seed', 'trials'],
    oneOf: [{ required: ['experiment'] }, { required: ['scenario'] }],
    additionalProperties: false,
    properties: {
      experiment: { enum: names, description: 'the experiment to run' },
      scenario: {
        enum: scenarios,
        description:
          "a system scenario to run instead of an experiment: a preset of one, its keys the scenario's settings and its experiment's parameters (replilab scenario show NAME)",
      },
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
    allOf: [...names.map(experimentRule), ...scenarios.map(scenarioRule)],
  };
}
