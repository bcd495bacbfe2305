/**
 * Upstream connections per provider, read at scrape time (never on the request path) and summed across
 * workers: how many are open, and how many requests wait for one because `max_connections` are busy.
 * Waiting requests are the sign that a provider's connection limit, not the gateway, holds traffic back.
 */
import { Gauge, type Registry } from 'prom-client';

/** One provider as a worker sees it (structural, so observe/ does not import providers/). */
export interface UpstreamGaugeView { provider: string; open: number; waiting: number }
export type UpstreamGaugeSource = () => Iterable<UpstreamGaugeView>;

export function registerUpstreamGauges(registry: Registry, read: UpstreamGaugeSource): void {
  const gauge = (name: string, help: string, value: (u: UpstreamGaugeView) => number) => new Gauge({
    name, help, labelNames: ['provider'], registers: [registry],
    collect() {
      this.reset();
      for (const u of read()) this.set({ provider: u.provider }, value(u));
    },
  });
  gauge('switchyard_upstream_connections', 'Connections to each provider (HTTP/1.1 sockets or HTTP/2 sessions), open or being opened.', (u) => u.open);
  gauge('switchyard_upstream_waiting_requests', 'Requests waiting for a connection to each provider because its max_connections are busy.', (u) => u.waiting);
}
