// The files derived from the parameter schemas and kept in the repository (the sweep file's JSON
// Schema and the CLI reference) are current: what the code generates now is what is committed.
// `npm run build` regenerates them; commit the result when this test fails.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from './write-generated.js';

function committed(path: string): string | null {
  try {
    return execFileSync('git', ['show', `HEAD:${path}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

describe('generated files', () => {
  it('schema/sweep.schema.json and docs/cli.md are committed as the schemas generate them', async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      const head = committed(path);
      expect(head, `${path} is not committed: run npm run build and commit it`).not.toBeNull();
      expect(head, `${path} is out of date: run npm run build and commit it`).toBe(text);
    }
  });
});
