/**
 * Writes the files derived from the parameter schemas that are kept in the repository:
 * schema/sweep.schema.json (for editors) and docs/cli.md (the CLI reference). Run by
 * `npm run build`; a test fails when the committed copies are out of date.
 *
 *   node dist/experiments/write-generated.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cliDocs } from '../lib/cli/cli-docs.js';
import { sweepFileSchema } from '../lib/sweep/sweep-schema.js';

/** Every generated file and its content. */
export async function generatedFiles(): Promise<Record<string, string>> {
  return {
    'schema/sweep.schema.json': `${JSON.stringify(sweepFileSchema(), null, 2)}\n`,
    'docs/cli.md': await cliDocs(),
  };
}

if (process.argv[1]?.endsWith('write-generated.js')) {
  for (const [path, text] of Object.entries(await generatedFiles())) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
