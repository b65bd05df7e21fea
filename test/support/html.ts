/** A page with its per-request tokens (CSP nonce, CSRF token, ids) blanked, to compare two responses. */
export function normalised(body: string): string {
  return body
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID');
}

/** The text a reader sees: tags dropped, entities for quotes decoded, white space collapsed. */
export function textOf(body: string): string {
  return body
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
