/**
 * A real nginx in front of test nodes, configured from deploy/nginx/switchyard.conf itself: the test swaps
 * in its own ports and a temp dir for logs/pid/temp files, and keeps every other directive as shipped,
 * so the test exercises the config operators deploy.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../helpers/ports.js';
import { isRunning, terminate, track } from './processes.js';
import { DEPLOY_DIR } from './repo.js';

export const NGINX_TEMPLATE = join(DEPLOY_DIR, 'nginx', 'switchyard.conf');
export const NGINX_BIN = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((p) => existsSync(p)) ?? 'nginx';

/** One line of the `switchyard` access log format (see deploy/nginx/switchyard.conf). */
export interface AccessLogEntry {
  time: string;
  request_id: string;
  method: string;
  uri: string;
  status: number;
  request_time: number;
  /** Every node tried, comma-separated ("127.0.0.1:1, 127.0.0.1:2" after a retry). */
  upstream: string;
  upstream_status: string;
}

/**
 * The shipped server block with the test's listen port, upstream ports and log path. Throws if the
 * template no longer has exactly as many upstream servers as `upstreamPorts`, so a changed deploy
 * file cannot silently test something else.
 */
export function renderSite(template: string, listenPort: number, upstreamPorts: number[], accessLog: string): string {
  let n = 0;
  let out = template.replace(/^(\s*server\s+)[\w.-]+:\d+(\s[^;]*)?;/gm, (_, head: string, params = '') => {
    const port = upstreamPorts[n++];
    return `${head}127.0.0.1:${port}${params};`;
  });
  if (n !== upstreamPorts.length) throw new Error(`${NGINX_TEMPLATE} has ${n} upstream servers, the test expects ${upstreamPorts.length}`);
  const listen = /^(\s*)listen\s+80;/m;
  if (!listen.test(out)) throw new Error(`${NGINX_TEMPLATE}: no "listen 80;" to replace`);
  out = out.replace(listen, `$1listen 127.0.0.1:${listenPort};`);
  const log = /^(\s*)access_log\s+\S+\s+switchyard;/m;
  if (!log.test(out)) throw new Error(`${NGINX_TEMPLATE}: no "access_log ... switchyard;" to replace`);
  return out.replace(log, `$1access_log ${accessLog} switchyard;`);
}

/** A complete nginx.conf around the site: foreground, every path inside `dir`. */
export function mainConfig(dir: string, site: string): string {
  const temp = (name: string) => join(dir, 'temp', name);
  return [
    'daemon off;',
    // Workers drop to `nobody` when the master is root; root keeps the temp dir writable for them.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  client_body_temp_path ${temp('client_body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    site,
    '}',
    '',
  ].join('\n');
}

export interface NginxHandle {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  accessLog(): AccessLogEntry[];
  errorLog(): string;
  stop(): Promise<void>;
}

/** Writes the config into `dir`, checks it with `nginx -t`, starts nginx and waits until it proxies. */
export async function startNginx(dir: string, upstreamPorts: number[], readyTimeoutMs = 10_000): Promise<NginxHandle> {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const port = await freePort();
  const accessLogFile = join(dir, 'access.log');
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, mainConfig(dir, renderSite(readFileSync(NGINX_TEMPLATE, 'utf8'), port, upstreamPorts, accessLogFile)));
  const check = spawnSync(NGINX_BIN, ['-t', '-c', file, '-p', dir], { encoding: 'utf8', timeout: 10_000 });
  if (check.status !== 0) throw new Error(`nginx -t rejected the config:\n${check.stderr}`);

  const proc = track(spawn(NGINX_BIN, ['-c', file, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] }), 'SIGTERM');
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const errorLog = () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!isRunning(proc)) throw new Error(`nginx exited:\n${out}\n${errorLog()}`);
    try {
      const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await terminate(proc, 'SIGKILL');
      throw new Error(`nginx not proxying after ${readyTimeoutMs} ms:\n${out}\n${errorLog()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, dir, proc, errorLog,
    accessLog: () => {
      let text = '';
      try { text = readFileSync(accessLogFile, 'utf8'); } catch { return []; }
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AccessLogEntry);
    },
    // SIGQUIT is nginx's graceful shutdown; the master takes its workers with it.
    stop: () => terminate(proc, 'SIGQUIT', 5_000),
  };
}
