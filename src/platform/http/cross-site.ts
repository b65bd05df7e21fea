import type { FastifyReply, FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request was sent by another site, by what the browser says of it: `Sec-Fetch-Site:
 * cross-site`, or an `Origin` that is neither this request's host nor the configured address.
 * `Origin: null` says nothing: browsers send it for the site's own forms, because its
 * Referrer-Policy is `no-referrer`. A request without either header (a script, a test) is judged by
 * its CSRF token alone.
 */
export function isCrossSite(
  headers: { origin?: string; 'sec-fetch-site'?: string | string[] },
  requestHost: string,
  baseUrl: string,
): boolean {
  if (headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = headers.origin;
  if (!origin || origin === 'null') return false;
  try {
    const from = new URL(origin);
    // Read through URL so that a default port written out (`localhost:80`) compares equal.
    const self = new URL(`${from.protocol}//${requestHost}`).host;
    return from.host !== self && from.host !== new URL(baseUrl).host;
  } catch {
    return true;
  }
}

/**
 * Refuses a state-changing page request sent from another site, with the same page as a bad CSRF
 * token, before its handler runs. A second line behind the token: a token leaked to another site
 * is still no use there.
 */
export function refuseCrossSite(baseUrl: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (SAFE_METHODS.has(request.method)) return undefined;
    if (!isCrossSite(request.headers, request.host, baseUrl)) return undefined;
    return reply.code(403).render('pages/forbidden.njk');
  };
}
