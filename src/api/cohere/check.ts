/** Small assertions for Cohere request bodies; each failure is a 400 whose message names the field. */
import { badRequest } from '../../core/errors.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function invalid(field: string, message: string): never {
  throw badRequest(`invalid request: ${message}`, field, 'invalid_value');
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function reqString(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') invalid(path, `${path} must be a non-empty string, got ${typeName(v)}`);
  return v;
}

export function optNumber(o: Obj, key: string, min: number, max: number, integer = false): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(key, `${key} must be a number, got ${typeName(v)}`);
  if (integer && !Number.isInteger(v)) invalid(key, `${key} must be an integer`);
  if (v < min || v > max) invalid(key, `${key} must be between ${min} and ${max}`);
  return v;
}

export function parseBody(body: Buffer | undefined): Obj {
  let v: unknown;
  try {
    v = JSON.parse(body && body.length ? body.toString('utf8') : '');
  } catch {
    throw badRequest('invalid request: could not parse the JSON body', null, 'invalid_json');
  }
  if (!isObj(v)) throw badRequest(`invalid request: the body must be a JSON object, got ${typeName(v)}`, null, 'invalid_json');
  return v;
}
