/** Small HTTP helpers over undici for talking to gateway nodes: JSON admin calls, chat requests, /metrics. */
import { request } from 'undici';

export interface JsonReply<T = any> {
  status: number;
  body: T;
}

const TIMEOUTS = { headersTimeout: 10_000, bodyTimeout: 10_000 };

export async function getJson<T = any>(url: string, token?: string): Promise<JsonReply<T>> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, ...TIMEOUTS });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply<T>> {
  const res = await request(url, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, ...TIMEOUTS,
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep the text: error pages are not always JSON */ }
  return { status: res.statusCode, body: parsed as T };
}

export async function getText(url: string): Promise<string> {
  const res = await request(url, TIMEOUTS);
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return text;
}

/** One non-streaming chat completion; resolves with the status (the body is read and dropped). */
export async function chat(origin: string, model: string, headers: Record<string, string> = {}, content = 'hello there'): Promise<number> {
  const res = await request(`${origin}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }), ...TIMEOUTS,
  });
  await res.body.dump();
  return res.statusCode;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
