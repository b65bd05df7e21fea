import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie or bearer token; only its hash is stored. */
export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
