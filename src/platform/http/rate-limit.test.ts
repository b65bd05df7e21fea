import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { postgresRateLimitStore } from './rate-limit';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

function incr(store: InstanceType<ReturnType<typeof postgresRateLimitStore>>, key: string, windowMs: number) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs, 10),
  );
}

describe('rate limits', () => {
  it('counts requests per key in the database and starts a new window when the old one ends', async () => {
    const Store = postgresRateLimitStore(t.services.withTransaction);
    const store = new Store({});
    expect((await incr(store, 'a', 60_000)).current).toBe(1);
    expect((await incr(store, 'a', 60_000)).current).toBe(2);
    expect((await incr(store, 'b', 60_000)).current).toBe(1);
    const third = await incr(store, 'a', 60_000);
    expect(third.current).toBe(3);
    expect(third.ttl).toBeGreaterThan(50_000);
    expect((await incr(store, 'short', 1)).current).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await incr(store, 'short', 1)).current).toBe(1);
  });

  it('refuses a 61st sign-in attempt from one address within a minute, whatever the email, as it refuses a wrong password', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    for (let i = 0; i < 60; i++) {
      const res = await browser.post('/sign-in', {
        email: `person${i}@lantern.invalid`,
        password: 'guess-guess-guess',
      });
      expect(res.statusCode).toBe(401);
    }
    const limited = await browser.post('/sign-in', {
      email: 'one.more@lantern.invalid',
      password: 'guess-guess-guess',
    });
    expect(limited.statusCode).toBe(401);
    expect(limited.body).toContain('Enter a correct email address and password');
    const right = await browser.signIn('police.mash@lantern.invalid');
    expect(right.statusCode).toBe(401);
    const elsewhere = new Browser(t.app);
    expect((await elsewhere.signIn('police.mash@lantern.invalid')).statusCode).toBe(303);
  });
});
