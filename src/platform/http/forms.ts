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
  return formErrors(serviceFieldErrors(error));
}

/**
 * The field errors a service raised about input; anything else is rethrown. `fieldOf` names the
 * form's own field for a service's (a date field's day box, say), so the summary links to it.
 */
export function serviceFieldErrors(
  error: unknown,
  fieldOf: (field: string) => string = (field) => field,
): FieldError[] {
  const raised =
    error instanceof ValidationError
      ? error.fieldErrors
      : error instanceof ConflictError
        ? [{ field: error.field ?? 'form', message: error.message }]
        : null;
  if (!raised) throw error;
  return raised.map((e) => ({ field: fieldOf(e.field), message: e.message }));
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

/**
 * A calendar date from the GOV.UK date input's three boxes, as YYYY-MM-DD; undefined when all three
 * are blank. `label` completes "Enter …", e.g. "the date the action is due".
 */
export function calendarDate(form: Form, prefix: string, label: string): { date?: string; error?: string } {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => (text(form, `${prefix}-${p}`) ?? '').trim());
  if (!day && !month && !year) return {};
  if (
    !day ||
    !month ||
    !year ||
    !/^\d{1,2}$/.test(day) ||
    !/^\d{1,2}$/.test(month) ||
    !/^\d{4}$/.test(year)
  ) {
    return { error: `Enter ${label} as a day, month and year, like 27 3 2027` };
  }
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { error: `Enter ${label} as a real date` };
  }
  return { date: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

/** For zod's preprocess: a blank or white-space answer counts as no answer. */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
