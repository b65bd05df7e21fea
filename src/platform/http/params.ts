import { z } from 'zod';

const uuid = z.uuid();

/** The record id in the path, or null when it is not an id at all: the route then answers 404 like any missing record. */
export function recordId(request: { params: unknown }): string | null {
  const value = (request.params as { id?: unknown } | undefined)?.id;
  const parsed = uuid.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Whether a value from a form or body is a record id at all, before it is looked up. */
export function isRecordId(value: unknown): value is string {
  return uuid.safeParse(value).success;
}
