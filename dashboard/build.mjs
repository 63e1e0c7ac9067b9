// build.mjs bundles src/ into dist/ (make dashboard). The output is
// committed and embedded by the Go binary, so it must come out byte for
// byte the same from the same sources: fixed options, no source maps, no
// timestamps, no absolute paths (esbuild writes none when minifying).
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['src/main.js'],
  outfile: 'dist/app.js',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  charset: 'utf8',
  // Keep the libraries' licence notices (ECharts and zrender: Apache-2.0).
  legalComments: 'eof',
  sourcemap: false,
  logLevel: 'warning',
});
await copyFile(path.join(here, 'src/index.html'), path.join(dist, 'index.html'));
