#!/usr/bin/env node
/** The `switchyard` command line. */
import { Command, Option } from 'commander';
import { clusterCommand } from './cluster.js';
import { keysCommand } from './keys.js';
import { logsCommand } from './logs.js';
import { providersCommand } from './providers.js';
import { startCommand } from './start.js';
import { customersCommand, teamsCommand } from './teams.js';
import { usageCommand } from './usage.js';
import { VERSION } from '../core/version.js';


const program = new Command('switchyard')
  .description('Switchyard: an OpenAI-compatible LLM gateway that runs as a cluster of equal peers')
  .version(VERSION)
  .addCommand(withOtelFlag(startCommand()))
  .addCommand(providersCommand())
  .addCommand(clusterCommand())
  .addCommand(logsCommand())
  .addCommand(keysCommand())
  .addCommand(teamsCommand())
  .addCommand(customersCommand())
  .addCommand(usageCommand());

/**
 * `start --otel [endpoint]`: turns tracing on. The config loader reads SWITCHYARD_OTEL_ENDPOINT, so the
 * flag only has to set it (an explicit endpoint wins; bare --otel means a collector on this machine).
 */
function withOtelFlag(start: Command): Command {
  return start
    .addOption(new Option('--otel [endpoint]', 'export OpenTelemetry traces over OTLP/HTTP (default endpoint http://127.0.0.1:4318)').env('SWITCHYARD_OTEL_ENDPOINT'))
    .addOption(new Option('--otel-sample-ratio <ratio>', 'share of new traces sampled, 0..1 (default 1)').env('SWITCHYARD_OTEL_SAMPLE_RATIO'))
    .hook('preAction', (cmd) => {
      const o = cmd.opts() as { otel?: string | true; otelSampleRatio?: string };
      if (o.otel) process.env.SWITCHYARD_OTEL_ENDPOINT = o.otel === true ? 'http://127.0.0.1:4318' : o.otel;
      if (o.otelSampleRatio !== undefined) process.env.SWITCHYARD_OTEL_SAMPLE_RATIO = o.otelSampleRatio;
    });
}

await program.parseAsync(process.argv);
