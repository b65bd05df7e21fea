import type { z } from 'zod';
import { ConflictError, type FieldError, ValidationError } from './errors';
import { londonDateTimeFields } from './london-time';

export interface FormErrors {
  /** For govukErrorSummary: each message links to its field. */
  errorSummary: { text: string; href: string }[];
  /** For each component's errorMessage. */
  errors: Record<string, { text: string }>;
}

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: issue.message });
  }
  return out;
}

export function formErrors(fieldErrors: FieldError[]): FormErrors {
  return {
    errorSummary: fieldErrors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    errors: Object.fromEntries(fieldErrors.map((e) => [e.field, { text: e.message }])),
  };
}

/** Turns the errors a service may raise about input into form errors; anything else is rethrown. */
export function asFormErrors(error: unknown): FormErrors {
  if (error instanceof ValidationError) return formErrors(error.fieldErrors);
  if (error instanceof ConflictError)
    return formErrors([{ field: error.field ?? 'form', message: error.message }]);
  throw error;
}

/** A posted form as @fastify/formbody gives it: repeated fields (checkboxes) arrive as arrays. */
export type Form = Record<string, string | string[] | undefined>;
export const text = (form: Form, key: string) => {
  const v = form[key];
  return typeof v === 'string' ? v : undefined;
};
const dateParts = (form: Form, prefix: string) => ({
  day: text(form, `${prefix}-day`),
  month: text(form, `${prefix}-month`),
  year: text(form, `${prefix}-year`),
  hour: text(form, `${prefix}-hour`),
  minute: text(form, `${prefix}-minute`),
});

/** Parses a form against its schema, with date-time fields read from their parts first. */
export function parseForm<T extends z.ZodType>(
  schema: T,
  form: Form,
  dates: Record<string, { label: string; optional?: boolean }>,
  extra: Record<string, unknown> = {},
): { data?: z.output<T>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = { ...extra };
  for (const [field, { label, optional }] of Object.entries(dates)) {
    const parsed = londonDateTimeFields(label, { optional }).safeParse(dateParts(form, field));
    if (parsed.success) values[field] = parsed.data;
    else errors.push({ field: `${field}-day`, message: parsed.error.issues[0]?.message ?? `Enter ${label}` });
  }
  for (const [k, v] of Object.entries(form))
    if (!(k in values) && typeof v === 'string' && !k.includes('-')) values[k] = v;
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const e of fieldErrorsOf(result.error)) if (!(e.field in dates)) errors.push(e);
  }
  return errors.length === 0 && result.success ? { data: result.data, errors } : { errors };
}
