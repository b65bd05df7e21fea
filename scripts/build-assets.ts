// Compiles the stylesheet and gathers front-end assets into ./public. Runs before start and test.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'public');
const modules = path.join(root, 'node_modules');

export function buildAssets(): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'stylesheets'), { recursive: true });
  const css = sass.compile(path.join(root, 'src/platform/assets/scss/application.scss'), {
    loadPaths: [modules, root],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
    logger: sass.Logger.silent,
  });
  writeFileSync(path.join(out, 'stylesheets/application.css'), css.css);
  cpSync(
    path.join(modules, 'govuk-frontend/dist/govuk/govuk-frontend.min.js'),
    path.join(out, 'govuk/govuk-frontend.min.js'),
  );
  cpSync(
    path.join(modules, '@ministryofjustice/frontend/moj/moj-frontend.min.js'),
    path.join(out, 'moj/moj-frontend.min.js'),
  );
  cpSync(path.join(modules, '@ministryofjustice/frontend/moj/assets/images'), path.join(out, 'images'), {
    recursive: true,
  });
  cpSync(path.join(root, 'src/platform/assets/js'), path.join(out, 'js'), { recursive: true });
  cpSync(path.join(root, 'src/platform/assets/images'), path.join(out, 'images'), { recursive: true });
}

/** What the assets are built from: our sources, and the installed packages (by the lockfile). */
function inputsDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  walk(path.join(root, 'src/platform/assets'));
  hash.update(readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

const stamp = path.join(out, '.inputs');

/** Builds the assets unless ./public was built from the same inputs: a second `npm start` is quicker. */
export function buildAssetsIfChanged(): boolean {
  const digest = inputsDigest();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return false;
  buildAssets();
  writeFileSync(stamp, digest);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = buildAssetsIfChanged();
  console.log(built ? `assets built in ${Date.now() - started} ms` : 'assets up to date');
}
