/**
 * Links the package into its own node_modules (node_modules/replilab -> ..), so notebooks can
 * `import ... from 'replilab'` by the package's name. Node resolves a package's own name from
 * inside it (self-reference through "exports"), but the notebook kernel's TypeScript compiler
 * resolves modules the older node_modules way and needs the link to find the types. Run by
 * `npm run build`; idempotent.
 */
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const link = join(root, 'node_modules', 'replilab');
if (existsSync(join(root, 'node_modules')) && !lstatSync(link, { throwIfNoEntry: false })) {
  symlinkSync('..', link, 'dir');
}
