import { describe, expect, it } from 'vitest';
import { timelineItems } from './presenters';

describe('recent events on the child page', () => {
  it('names what each link opens', () => {
    const at = new Date('2026-05-20T20:00:00Z');
    const items = timelineItems(
      [
        '/episodes/e1',
        '/notices/n1',
        '/screenings/s1',
        '/advocacy/a1',
        '/justice-cases/j1',
        '/somewhere/else',
        null,
      ].map((href) => ({ at, title: 'Event', detail: '', href })),
    );
    expect(items.map((i) => (i.href ? i.linkText : null))).toEqual([
      'Open the episode',
      'Open the concern notice',
      'Open the screening',
      'Open the advocacy record',
      'Open the justice case',
      'Open the record',
      null,
    ]);
  });
});
