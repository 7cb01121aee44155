// Every test's scratch folder (mkdtemp under os.tmpdir()) lands in one folder per run, removed at
// the end, so a test run leaves nothing in /tmp. Workers and the processes tests spawn inherit
// TMPDIR. Mode 1777 like /tmp: servers the testbed runs as the postgres user must traverse it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'replilab-tests-'));
  chmodSync(dir, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
