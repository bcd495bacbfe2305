import { request } from 'undici';

/**
 * One request before measuring, so that a misconfigured arm fails loudly instead of producing a fast
 * table of errors. Checks the status and that the answer really is a chat completion.
 */
export async function preflightChat(origin: string, path: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await request(`${origin}${path}`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, headersTimeout: 10_000, bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${origin}${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  let parsed: { object?: unknown };
  try {
    parsed = JSON.parse(text) as { object?: unknown };
  } catch {
    throw new Error(`${origin}${path} answered 200 with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (parsed.object !== 'chat.completion') throw new Error(`${origin}${path} answered 200 but not with a chat.completion: ${text.slice(0, 200)}`);
}
