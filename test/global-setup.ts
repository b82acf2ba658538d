import { execFileSync } from 'node:child_process';

/** Tests that spawn `bin/gantry.js` need the bundled CLI; building it takes about a second. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
