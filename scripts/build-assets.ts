// Compiles the stylesheet and gathers front-end assets into ./public. Runs before start and test.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  buildAssets();
  console.log(`assets built in ${Date.now() - started} ms`);
}
