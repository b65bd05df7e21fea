import { z } from 'zod';

const uuid = z.uuid();

/** The record id in the path, or null when it is not an id at all: the route then answers 404 like any missing record. */
export function recordId(request: { params: unknown }): string | null {
  const value = (request.params as { id?: unknown } | undefined)?.id;
  const parsed = uuid.safeParse(value);
  return parsed.success ? parsed.data : null;
}
