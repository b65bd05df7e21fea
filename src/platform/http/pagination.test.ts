import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageLinks, pageOf } from './pagination';

describe('keyset pages', () => {
  it('gives the next cursor only when a row beyond the page was fetched', () => {
    const rows = [1, 2, 3, 4].map((n) => ({ n, id: `id-${n}` }));
    expect(pageOf(rows, 3, (r) => [r.n, r.id])).toEqual({
      rows: rows.slice(0, 3),
      next: encodeCursor([3, 'id-3']),
    });
    expect(pageOf(rows.slice(0, 3), 3, (r) => [r.n, r.id]).next).toBeNull();
  });

  it('reads back its own cursors and refuses anything else', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'abc']), 2)).toEqual([
      '2026-01-01T00:00:00.000Z',
      'abc',
    ]);
    expect(decodeCursor(undefined, 2)).toBeNull();
    expect(() => decodeCursor('not-a-cursor', 2)).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ field: 'after' })] }),
    );
    expect(() => decodeCursor(encodeCursor(['only one']), 2)).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ field: 'after' })] }),
    );
    expect(() => decodeCursor(Buffer.from('[{"a":1},2]').toString('base64url'), 2)).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ field: 'after' })] }),
    );
  });

  it('links to the next page and back to the first, keeping the list’s filters', () => {
    expect(pageLinks('/alerts', { next: 'abc' }, undefined)).toEqual({
      nextHref: '/alerts?after=abc',
      firstHref: null,
    });
    expect(pageLinks('/alerts', { next: null }, 'abc')).toEqual({ nextHref: null, firstHref: '/alerts' });
    expect(pageLinks('/homes', { next: 'x' }, 'w', { force: 'E23000010' })).toEqual({
      nextHref: '/homes?force=E23000010&after=x',
      firstHref: '/homes?force=E23000010',
    });
  });
});
