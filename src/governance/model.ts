/**
 * Governance data model: virtual keys, teams, customers, budgets, users. The zod schemas are the single
 * source of truth; the types are inferred from them. Times are epoch milliseconds (UTC). Objects are strict
 * so a typo such as `allowed_models` is rejected instead of silently granting everything.
 */
import { z } from 'zod';
import { GatewayError } from '../core/errors.js';

export const PERIODS = ['1m', '1h', '1d', '1w', '1M', '1Y'] as const;
export type Period = (typeof PERIODS)[number];

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const id = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const epochMs = z.number().int('must be an integer (epoch milliseconds)').nonnegative('must not be negative');
const pattern = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^\S+$/, 'must not contain whitespace');

export const budgetSchema = z
  .object({
    amountUsd: z.number().finite('must be a finite number').nonnegative('must not be negative'),
    period: z.enum(PERIODS, { errorMap: () => ({ message: `must be one of ${PERIODS.join(', ')}` }) }),
    /** true: UTC calendar windows (day starts 00:00Z, week on Monday, ...). false/absent: rolling from createdAt. */
    calendarAligned: z.boolean().optional(),
    /** Limit spend on one provider only (e.g. "openai"); absent = all providers. */
    provider: id.optional(),
    /** Anchor of rolling windows; defaults to the owning entity's createdAt. */
    createdAt: epochMs.optional(),
  })
  .strict();
export type Budget = z.infer<typeof budgetSchema>;

const positiveInt = z.number().int('must be an integer').positive('must be greater than 0');
export const limitsSchema = z
  .object({
    rpm: positiveInt.optional(),
    tpm: positiveInt.optional(),
    maxConcurrent: positiveInt.optional(),
  })
  .strict();
export type Limits = z.infer<typeof limitsSchema>;

export const virtualKeySchema = z
  .object({
    id,
    name: z.string().max(200, 'must be at most 200 characters'),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256 digest'),
    prefix: z.string().min(1, 'must not be empty').max(16, 'must be at most 16 characters'),
    active: z.boolean(),
    expiresAt: epochMs.optional(),
    /** Model globs: exact ("gpt-4o"), provider-qualified ("openai/*"), any provider ("*\/gpt-4o*"). */
    allowedModels: z.array(pattern).optional(),
    allowedProviders: z.array(pattern).optional(),
    teamId: id.optional(),
    customerId: id.optional(),
    budgets: z.array(budgetSchema).default([]),
    limits: limitsSchema.default({}),
    metadata: z.record(z.string(), z.unknown()).default({}),
    createdAt: epochMs,
  })
  .strict();
export type VirtualKey = z.infer<typeof virtualKeySchema>;

export const teamSchema = z
  .object({
    id,
    name: z.string().max(200, 'must be at most 200 characters'),
    customerId: id.optional(),
    budgets: z.array(budgetSchema).default([]),
    limits: limitsSchema.default({}),
    createdAt: epochMs.optional(),
  })
  .strict();
export type Team = z.infer<typeof teamSchema>;

export const customerSchema = z
  .object({
    id,
    name: z.string().max(200, 'must be at most 200 characters'),
    budgets: z.array(budgetSchema).default([]),
    createdAt: epochMs.optional(),
  })
  .strict();
export type Customer = z.infer<typeof customerSchema>;

export const userSchema = z
  .object({
    id,
    name: z.string().max(200, 'must be at most 200 characters'),
    role: z.enum(ROLES, { errorMap: () => ({ message: `must be one of ${ROLES.join(', ')}` }) }),
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256 digest'),
  })
  .strict();
export type User = z.infer<typeof userSchema>;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** "budgets[0].amountUsd" style path for an issue. */
function issuePath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function formatIssue(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const base = issue.path.length ? `${issuePath(issue.path)}.` : '';
    return issue.keys.map((k) => `${base}${k}: unknown field`).join('; ');
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${issuePath(issue.path)}: is required`;
  return `${issuePath(issue.path)}: ${issue.message}`;
}

function validator<S extends z.ZodTypeAny>(schema: S, what: string) {
  const validate = (input: unknown): Validation<z.infer<S>> => {
    const r = schema.safeParse(input);
    if (r.success) return { ok: true, value: r.data };
    return { ok: false, errors: r.error.issues.map(formatIssue) };
  };
  /** Parses or throws a 400 GatewayError whose message lists every problem and whose param is the first field. */
  const parse = (input: unknown): z.infer<S> => {
    const r = schema.safeParse(input);
    if (r.success) return r.data;
    const first = r.error.issues[0]!;
    throw new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_' + what,
      param: first.code === 'unrecognized_keys' ? issuePath([...first.path, first.keys[0]!]) : issuePath(first.path),
      message: `invalid ${what}: ${r.error.issues.map(formatIssue).join('; ')}`,
    });
  };
  return { validate, parse };
}

const vk = validator(virtualKeySchema, 'virtual_key');
const team = validator(teamSchema, 'team');
const customer = validator(customerSchema, 'customer');
const user = validator(userSchema, 'user');
const budget = validator(budgetSchema, 'budget');

export const validateVirtualKey = vk.validate;
export const parseVirtualKey = vk.parse;
export const validateTeam = team.validate;
export const parseTeam = team.parse;
export const validateCustomer = customer.validate;
export const parseCustomer = customer.parse;
export const validateUser = user.validate;
export const parseUser = user.parse;
export const validateBudget = budget.validate;
export const parseBudget = budget.parse;
