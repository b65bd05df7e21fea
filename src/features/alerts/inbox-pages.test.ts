import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { alert } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the duty inbox', () => {
  it('puts high-priority alerts first, then the newest, a page at a time', async () => {
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const agencyId = police.actor?.agencyId ?? '';
    // 60 alerts a minute apart; three of the oldest are high priority.
    const rows = Array.from({ length: 60 }, (_, i) => ({
      agencyId,
      kind: 'break-glass-used' as const,
      childId: null,
      subjectType: 'break_glass',
      subjectId: randomUUID(),
      priority: i < 3 ? ('high' as const) : ('normal' as const),
      createdAt: new Date(Date.UTC(2026, 2, 2, 8, i)),
    }));
    await t.services.withTransaction((tx) => tx.insert(alert).values(rows));
    const first = await t.services.alerts.inbox(police);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.rows.slice(0, 3).map((r) => r.alert.priority)).toEqual(['high', 'high', 'high']);
    const normal = first.rows.slice(3).map((r) => r.alert.createdAt.getTime());
    expect(normal).toEqual([...normal].sort((a, b) => b - a));
    const second = await t.services.alerts.inbox(police, { after: first.next ?? '' });
    expect(second.next).toBeNull();
    const all = [...first.rows, ...second.rows].map((r) => r.alert.subjectId);
    expect(new Set(all).size).toBe(60);

    const b = new Browser(t.app);
    await b.signIn('police.mash@lantern.invalid');
    const page = await b.get('/alerts');
    expect(page.body).toContain('Next page');
    expect((await b.get('/alerts?after=rubbish')).statusCode).toBe(400);
  });
});
