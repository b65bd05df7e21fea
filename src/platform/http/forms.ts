import type { z } from 'zod';
import { ConflictError, type FieldError, ValidationError } from './errors';

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
