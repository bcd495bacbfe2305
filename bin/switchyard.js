#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli by `npm ci` (prepare) or `npm run build`.
import('../dist/src/cli/index.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli')) {
    console.error('switchyard: not built yet; run `npm run build` (npm ci does it for you)');
    process.exit(1);
  }
  throw err;
});
