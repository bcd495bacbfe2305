/**
 * Allow-list matching for models and providers. Patterns are globs where `*` matches any run of
 * characters (including `/`); everything else is literal; matching is case-insensitive and whole-string.
 *
 * A model pattern matches a request when it matches any of:
 *   - the provider-qualified model, `provider/model` ("openai/*", "* /gpt-4o*" without the space);
 *   - the bare upstream model name ("gpt-4o-mini");
 *   - the name the client asked for (an alias such as "smart"), when given.
 * An absent or empty list means "no restriction" (LiteLLM's convention for `models: []`).
 */

export interface ModelRef {
  provider: string;
  model: string;
  /** The model string as the client sent it, if it differs (an alias or a provider-qualified name). */
  requested?: string;
}

export type Matcher = (candidate: string) => boolean;

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 10_000;

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const body = pattern
    .split('*')
    .map((lit) => lit.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  re = new RegExp(`^${body}$`, 'is');
  if (cache.size >= CACHE_LIMIT) cache.clear(); // patterns come from config; a bound keeps a bad config from leaking
  cache.set(pattern, re);
  return re;
}

export function globMatch(pattern: string, candidate: string): boolean {
  if (!pattern.includes('*')) return pattern.toLowerCase() === candidate.toLowerCase();
  return globToRegExp(pattern).test(candidate);
}

export function isUnrestricted(list: readonly string[] | undefined): boolean {
  return list === undefined || list.length === 0;
}

export function modelMatches(pattern: string, ref: ModelRef): boolean {
  return (
    globMatch(pattern, `${ref.provider}/${ref.model}`) ||
    globMatch(pattern, ref.model) ||
    (ref.requested !== undefined && globMatch(pattern, ref.requested))
  );
}

export function modelAllowed(allowed: readonly string[] | undefined, ref: ModelRef): boolean {
  if (isUnrestricted(allowed)) return true;
  for (const p of allowed!) if (modelMatches(p, ref)) return true;
  return false;
}

export function providerAllowed(allowed: readonly string[] | undefined, provider: string): boolean {
  if (isUnrestricted(allowed)) return true;
  for (const p of allowed!) if (globMatch(p, provider)) return true;
  return false;
}

/** Both lists at once: the check the pipeline runs for each candidate deployment. */
export function deploymentAllowed(
  rules: { allowedModels?: readonly string[]; allowedProviders?: readonly string[] },
  ref: ModelRef,
): boolean {
  return providerAllowed(rules.allowedProviders, ref.provider) && modelAllowed(rules.allowedModels, ref);
}
