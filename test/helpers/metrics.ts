/** Reading a node's Prometheus exposition in tests. */

export async function scrape(nodeUrl: string): Promise<string> {
  return (await fetch(`${nodeUrl}/metrics`)).text();
}

/** Sum of the samples of `name` whose labels include `labels` (so {} sums every series). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
