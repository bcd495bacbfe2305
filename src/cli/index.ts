#!/usr/bin/env node
/** The `switchyard` command line. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { clusterCommand } from './cluster.js';
import { providersCommand } from './providers.js';
import { startCommand } from './start.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('switchyard')
  .description('Switchyard: an OpenAI-compatible LLM gateway that runs as a cluster of equal peers')
  .version(pkg.version)
  .addCommand(startCommand())
  .addCommand(providersCommand())
  .addCommand(clusterCommand());

await program.parseAsync(process.argv);
