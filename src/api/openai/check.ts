/**
 * Small assertion helpers for validating request bodies. Hand-written rather than schema-library based
 * because this runs on every request; each failure is a 400 naming the offending parameter path.
 */
import { badRequest } from '../../core/errors.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function fail(param: string, message: string): never {
  throw badRequest(message, param, 'invalid_value');
}

export function optBool(o: Obj, key: string, path = key): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'boolean') fail(path, `Invalid type for '${path}': expected a boolean, but got ${typeName(v)}.`);
}

export function optNumber(o: Obj, key: string, min: number, max: number, integer = false, path = key): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `Invalid type for '${path}': expected a number, but got ${typeName(v)}.`);
  if (integer && !Number.isInteger(v)) fail(path, `Invalid type for '${path}': expected an integer, but got a decimal number.`);
  if (v < min) fail(path, `Invalid '${path}': ${v} is less than the minimum of ${min}.`);
  if (v > max) fail(path, `Invalid '${path}': ${v} is greater than the maximum of ${max}.`);
}

export function optString(o: Obj, key: string, path = key): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'string') fail(path, `Invalid type for '${path}': expected a string, but got ${typeName(v)}.`);
}

export function reqString(o: Obj, key: string, path = key): string {
  const v = o[key];
  if (v === undefined || v === null) throw badRequest(`Missing required parameter: '${path}'.`, path, 'missing_required_parameter');
  if (typeof v !== 'string') fail(path, `Invalid type for '${path}': expected a string, but got ${typeName(v)}.`);
  if (v.length === 0) fail(path, `Invalid '${path}': empty string.`);
  return v;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function parseJsonObject(body: Buffer | undefined): Obj {
  let v: unknown;
  try {
    v = JSON.parse(body && body.length ? body.toString('utf8') : '');
  } catch {
    throw badRequest('We could not parse the JSON body of your request. The body must be valid JSON.', null, 'invalid_json');
  }
  if (!isObj(v)) throw badRequest(`The request body must be a JSON object, but got ${typeName(v)}.`, null, 'invalid_json');
  return v;
}
