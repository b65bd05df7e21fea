import { ValidationError } from './errors';

/** Rows on one page of a queue or list. */
export const PAGE_SIZE = 50;

/** Where a page starts: the sort values and id of the row before it. */
export type Cursor = (string | number | null)[];

export interface Page<T> {
  rows: T[];
  /** The cursor of the next page, or null on the last. */
  next: string | null;
}

export const encodeCursor = (values: Cursor): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

/**
 * Reads a cursor from a page link. A missing cursor is the first page; one that is not ours is a
 * 400, never a guess.
 */
export function decodeCursor(raw: unknown, length: number): Cursor | null {
  if (raw === undefined || raw === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === length &&
      value.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return value as Cursor;
    }
  } catch {
    // fall through
  }
  throw new ValidationError([
    { field: 'after', message: 'The page link is not valid: go back to the first page' },
  ]);
}

/** One page from `size + 1` rows fetched: the extra row only says whether there is a next page. */
export function pageOf<T>(rows: T[], size: number, cursorOf: (row: T) => Cursor): Page<T> {
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { rows: page, next: rows.length > size && last ? encodeCursor(cursorOf(last)) : null };
}

/**
 * The links under a paged list: the next page, and back to the first once past it. `keep` holds
 * the list's own query (its filters), kept on both links.
 */
export function pageLinks(
  path: string,
  page: { next: string | null },
  after: string | undefined,
  keep: Record<string, string> = {},
): { nextHref: string | null; firstHref: string | null } {
  const href = (extra: Record<string, string>) => {
    const query = new URLSearchParams({ ...keep, ...extra }).toString();
    return query ? `${path}?${query}` : path;
  };
  return { nextHref: page.next ? href({ after: page.next }) : null, firstHref: after ? href({}) : null };
}
