import type { FastifyRequest } from 'fastify';
import { ValidationError } from './errors';

/** Text that cannot be stored as typed: the NUL character, or a lone half of a surrogate pair. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (s: string) => s.includes('\u0000') || loneSurrogate.test(s);

/** Where a parsed request value holds unstorable text, in a string or a key; null if nowhere. */
function unstorableAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (unstorable(key)) return path || 'form';
    const found = unstorableAt(inner, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * PostgreSQL text cannot hold the NUL character, and a lone surrogate (possible in JSON) would be
 * stored altered; nobody types either. A request carrying one in its path, query or body is refused
 * as bad input before a handler can try to store it.
 */
export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  for (const part of [request.params, request.query, request.body]) {
    const field = unstorableAt(part, '');
    if (field !== null) {
      throw new ValidationError([
        { field: field || 'form', message: 'Remove the characters that cannot be stored' },
      ]);
    }
  }
}
