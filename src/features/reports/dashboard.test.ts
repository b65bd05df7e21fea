import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { child } from '../../platform/access/tables';
import type { Context } from '../../platform/context';
import { episode, returnInterview, riskGrading } from '../episodes/tables';
import { notice } from '../notices/tables';
import { DashboardService } from './dashboard.service';

/*
 * The fixture, on 15 March 2026 at noon, for Leeds:
 *   Open episodes: one graded medium then high (high now), one graded low, one not yet graded, and
 *     one graded high but entered in error (counts nowhere): High 1, Low 1, Not yet graded 1.
 *   Return interviews: one due tomorrow, two past their due time (one offered, one not), one held
 *     (done): due 1, overdue 2.
 *   Notices raised in Leeds: two not yet prioritised, one prioritised: untriaged 2.
 *   Repeat missing: one child with as many closed episodes in the last days as the rule asks.
 *   This month: the open episodes and the repeat ones started in March 2026 before the 15th;
 *     March 2025: 2 episodes before the 15th and 1 on the 20th (3 in the whole month).
 */
let t: TestApp;
let lead: Context;
let health: Context;
let repeatCount = 0;
let marchSoFar = 0;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-15T12:00:00Z');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
  const agencyId = lead.actor?.agencyId ?? '';
  const userId = lead.actor?.userId ?? '';
  const rule = t.config.flags.repeatMissing;
  repeatCount = rule.count;
  await t.services.withTransaction(async (tx) => {
    const newChild = async (givenName: string) => {
      const [row] = await tx
        .insert(child)
        .values({ givenName, familyName: 'Example', responsibleAuthorityCode: 'E08000035' })
        .returning({ id: child.id });
      return row?.id ?? '';
    };
    const ep = async (childId: string, startedAt: string, open: boolean, inError = false) => {
      const start = new Date(startedAt);
      const [row] = await tx
        .insert(episode)
        .values({
          childId,
          kind: 'missing',
          startedAt: start,
          reportedAt: start,
          reportedByAgencyId: agencyId,
          endedAt: open ? null : new Date(start.getTime() + 3_600_000),
          createdAt: start,
          ...(inError ? { enteredInErrorAt: start, enteredInErrorReason: 'Recorded twice' } : {}),
        })
        .returning({ id: episode.id });
      return row?.id ?? '';
    };
    const grade = (episodeId: string, g: 'low' | 'medium' | 'high', at: string) =>
      tx.insert(riskGrading).values({
        episodeId,
        grade: g,
        rationale: 'Example rationale',
        gradedAt: new Date(at),
        gradedByUserId: userId,
      });
    const high = await ep(await newChild('Harper'), '2026-03-10T20:00:00Z', true);
    await grade(high, 'medium', '2026-03-10T21:00:00Z');
    await grade(high, 'high', '2026-03-11T09:00:00Z');
    await grade(
      await ep(await newChild('Lowry'), '2026-03-12T20:00:00Z', true),
      'low',
      '2026-03-12T21:00:00Z',
    );
    await ep(await newChild('Noel'), '2026-03-14T20:00:00Z', true);
    await grade(
      await ep(await newChild('Errol'), '2026-03-13T20:00:00Z', true, true),
      'high',
      '2026-03-13T21:00:00Z',
    );
    marchSoFar = 3;

    // A child each, so none of them is repeatedly missing.
    const ri = async (dueAt: string, status: 'due' | 'offered' | 'held') => {
      const interviewed = await newChild('Ivo');
      const episodeId = await ep(interviewed, '2026-02-01T10:00:00Z', false);
      await tx.insert(returnInterview).values({
        episodeId,
        childId: interviewed,
        dueAt: new Date(dueAt),
        status,
        createdAt: new Date('2026-02-01T11:00:00Z'),
      });
    };
    await ri('2026-03-16T12:00:00Z', 'due');
    await ri('2026-03-14T12:00:00Z', 'offered');
    await ri('2026-03-13T12:00:00Z', 'due');
    await ri('2026-03-12T12:00:00Z', 'held');

    const raise = (priority: 'red' | null) =>
      tx.insert(notice).values({
        unidentifiedDescription: 'A young person in a red coat',
        categories: ['missing'],
        whatHappened: 'Seen on Example Street late at night',
        source: 'Example source',
        areaAuthorityCode: 'E08000035',
        raisedByAgencyId: agencyId,
        raisedAt: new Date('2026-03-14T09:00:00Z'),
        decisionDueAt: new Date('2026-03-15T09:00:00Z'),
        priority,
      } as typeof notice.$inferInsert);
    await raise(null);
    await raise(null);
    await raise('red');

    const repeated = await newChild('Remy');
    for (let i = 0; i < rule.count; i++) await ep(repeated, `2026-03-0${1 + i}T10:00:00Z`, false);
    marchSoFar += rule.count;

    const lastYear = await newChild('Lark');
    await ep(lastYear, '2025-03-02T10:00:00Z', false);
    await ep(lastYear, '2025-03-14T10:00:00Z', false);
    await ep(lastYear, '2025-03-20T10:00:00Z', false);
  });
});
afterAll(async () => {
  await t?.close();
});

describe('the dashboard', () => {
  it('counts open episodes by latest grade, interviews due and overdue, untriaged notices, flags and this month', async () => {
    const d = await new DashboardService(t.services.withTransaction, t.config.flags).forArea(lead);
    expect(d.area).toEqual({ type: 'authority', code: 'E08000035', name: 'Leeds' });
    expect(d.openByGrade).toEqual([
      { grade: 'High', episodes: 1 },
      { grade: 'Medium', episodes: 0 },
      { grade: 'Low', episodes: 1 },
      { grade: 'No apparent risk', episodes: 0 },
      { grade: 'Not yet graded', episodes: 1 },
    ]);
    expect(d.highRiskNow).toBe(1);
    expect(d.returnInterviewsDue).toBe(1);
    expect(d.returnInterviewsOverdue).toBe(2);
    expect(d.untriagedNotices).toBe(2);
    expect(d.repeatMissingChildren).toBe(1);
    expect(d.thisMonth).toEqual({ label: 'March', soFar: marchSoFar, lastYearToDate: 2, lastYearWhole: 3 });
    expect(repeatCount).toBeGreaterThan(0);
  });

  it('suppresses counts under 3 for a reader whose agency does not own the area', async () => {
    const reader = { ...health, permissions: new Set([...health.permissions, 'report:view' as const]) };
    const d = await new DashboardService(t.services.withTransaction, t.config.flags).forArea(reader);
    expect(d.exact).toBe(false);
    expect(d.highRiskNow).toBeNull();
    expect(d.returnInterviewsOverdue).toBeNull();
    expect(d.thisMonth.lastYearWhole).toBe(3);
  });

  it('shows the dashboard and the reports index, with a Reports menu item, and 404 without report:view', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const index = await browser.get('/reports');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('href="/reports/dashboard"');
    expect(index.body).toContain('href="/reports/annual"');
    expect(index.body).toMatch(/<a[^>]*href="\/reports"[^>]*>[\s\S]{0,200}Reports</);
    const page = await browser.get('/reports/dashboard');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Return interviews overdue 2');
    expect(text).toContain('Notices not yet triaged 2');
    expect(text).toContain('March last year, the whole month 3');
    const other = new Browser(t.app);
    await other.signIn('health@lantern.invalid');
    expect((await other.get('/reports')).statusCode).toBe(404);
    expect((await other.get('/reports/dashboard')).statusCode).toBe(404);
  });
});

describe('the list of reports', () => {
  it('offers each user only the reports they may open', async () => {
    const links = async (email: string) => {
      const b = new Browser(t.app);
      await b.signIn(email);
      const page = await b.get('/reports');
      return [...page.body.matchAll(/href="(\/reports\/[^"]+)"/g)].map((m) => m[1]);
    };
    expect(await links('police.mash@lantern.invalid')).toEqual(['/reports/dashboard', '/reports/annual']);
    expect(await links('missing.lead@lantern.invalid')).toEqual([
      '/reports/dashboard',
      '/reports/annual',
      '/reports/ssda903',
      '/reports/annex-a',
    ]);
    expect(await links('coordinator@lantern.invalid')).toContain('/reports/imports');
    expect(await links('analyst@lantern.invalid')).toContain('/reports/rows');
  });
});
