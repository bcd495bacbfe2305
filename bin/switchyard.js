#!/usr/bin/env node
// Thin launcher: `npm ci` (prepare) or `npm run build` compiles src/ with tsc and bundles the CLI and the
// worker entry into dist/bundle (one file per entry plus shared chunks: far fewer modules to load at start).
import('../dist/bundle/index.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle')) {
    console.error('switchyard: not built yet; run `npm run build` (npm ci does it for you)');
    process.exit(1);
  }
  throw err;
});
