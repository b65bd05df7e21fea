import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const timingOf = (header: unknown) => {
  const text = String(header ?? '');
  const db = /db;dur=([\d.]+);desc="(\d+) transactions"/.exec(text);
  const app = /app;dur=([\d.]+)/.exec(text);
  return { db: Number(db?.[1]), transactions: Number(db?.[2]), app: Number(app?.[1]) };
};

describe('Server-Timing', () => {
  it('gives each request its own database time and count of transactions, within its whole time', async () => {
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const [list, health] = await Promise.all([
      b.get('/children'),
      t.app.inject({ url: '/assets/images/favicon.svg' }),
    ]);
    const listTiming = timingOf(list.headers['server-timing']);
    expect(listTiming.transactions).toBeGreaterThanOrEqual(2); // the session, then the list
    expect(listTiming.db).toBeGreaterThan(0);
    expect(listTiming.db).toBeLessThanOrEqual(listTiming.app);
    // A static file touches no database, even while another request runs alongside it.
    expect(timingOf(health.headers['server-timing']).transactions).toBe(0);
  });
});
