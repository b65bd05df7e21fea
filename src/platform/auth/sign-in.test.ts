import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/support/app';
import { normalised } from '../../../test/support/html';
import { appUser, session, signInThrottle } from './tables';
import { currentTotp } from './totp';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('sign-in', () => {
  it('signs a demo user in and shows the home page for their role and agency', async () => {
    const browser = new Browser(t.app);
    const res = await browser.signIn('police.mash@lantern.invalid');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await browser.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Sam Okafor');
    expect(home.body).toContain('West Yorkshire Police');
    expect(home.body).toContain('Police MASH officer');
    expect(home.body).toContain('OFFICIAL-SENSITIVE');
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/users' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });

  it('gives an unknown email and a wrong password identical responses', async () => {
    const a = new Browser(t.app);
    await a.get('/sign-in');
    const unknown = await a.post('/sign-in', {
      email: 'nobody@lantern.invalid',
      password: 'whatever-password',
    });
    const b = new Browser(t.app);
    await b.get('/sign-in');
    const wrong = await b.post('/sign-in', {
      email: 'social.mash@lantern.invalid',
      password: 'whatever-password',
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(unknown.statusCode);
    // The only difference allowed is the echo of what the person typed.
    expect(normalised(wrong.body).replace('social.mash@lantern.invalid', 'EMAIL')).toBe(
      normalised(unknown.body).replace('nobody@lantern.invalid', 'EMAIL'),
    );
    expect(wrong.body).toContain('Enter a correct email address and password');
  });

  it('locks an email out after five failures, even with the right password, and lets it in once the lock expires', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const email = 'analyst@lantern.invalid';
    for (let i = 0; i < 4; i++) {
      const r = await browser.post('/sign-in', { email, password: 'not-the-password' });
      expect(r.statusCode).toBe(401);
    }
    const fifth = await browser.post('/sign-in', { email, password: 'not-the-password' });
    expect(fifth.statusCode).toBe(401);
    // Locked, the right password gets the same answer as a wrong one.
    const right = await browser.signIn(email);
    expect(right.statusCode).toBe(401);
    expect(right.body).toContain('Enter a correct email address and password');
    t.clock.advance(16 * 60_000);
    const later = await browser.signIn(email);
    expect(later.statusCode).toBe(303);
  });

  it('locks an unknown email out the same way, so lock-out reveals nothing', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    let last = await browser.post('/sign-in', { email: 'ghost@lantern.invalid', password: 'x-password-x' });
    for (let i = 0; i < 4; i++)
      last = await browser.post('/sign-in', { email: 'ghost@lantern.invalid', password: 'x-password-x' });
    expect(last.statusCode).toBe(401);
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(signInThrottle).where(eq(signInThrottle.key, 'email:ghost@lantern.invalid')),
    );
    expect(row?.lockedUntil).not.toBeNull();
  });

  it('issues a new session id at sign-in, never one the browser already held', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    browser.setCookie('lantern_session', 'planted-by-an-attacker');
    await browser.post('/sign-in', { email: 'health@lantern.invalid', password: DEMO_PASSWORD });
    const first = browser.cookie('lantern_session');
    expect(first).toBeTruthy();
    expect(first).not.toBe('planted-by-an-attacker');
    const other = new Browser(t.app);
    await other.signIn('health@lantern.invalid');
    expect(other.cookie('lantern_session')).not.toBe(first);
  });

  it('ends a session after 30 idle minutes (test clock)', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('chair@lantern.invalid');
    t.clock.advance(29 * 60_000);
    expect((await browser.get('/')).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await browser.get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('chair@lantern.invalid');
    for (let i = 0; i < 25; i++) {
      t.clock.advance(29 * 60_000);
      const r = await browser.get('/account');
      if (i < 24) expect(r.statusCode).toBe(200);
      else expect(r.statusCode).toBe(303);
    }
  });

  it('signs out: the session can no longer be used', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('chair@lantern.invalid');
    const token = browser.cookie('lantern_session');
    await browser.get('/');
    const out = await browser.post('/sign-out', {});
    expect(out.headers.location).toBe('/signed-out');
    const replay = await t.app.inject({ method: 'GET', url: '/', cookies: { lantern_session: token ?? '' } });
    expect(replay.statusCode).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a POST without a CSRF token with 403 and changes nothing', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('hub.admin@lantern.invalid');
    await browser.get('/admin/users/new');
    const agencies = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(appUser));
    const res = await browser.post(
      '/admin/users/new',
      {
        name: 'Forged Person',
        email: 'forged@lantern.invalid',
        agencyId: '00000000-0000-0000-0000-000000000000',
        roles: 'analyst',
      },
      { csrf: null },
    );
    expect(res.statusCode).toBe(403);
    const after = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(appUser));
    expect(after).toEqual(agencies);
  });

  it('refuses a POST with a wrong CSRF token with 403 and changes nothing', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('hub.admin@lantern.invalid');
    await browser.get('/admin/users');
    const res = await browser.post('/sign-out', {}, { csrf: 'not-a-real-token' });
    expect(res.statusCode).toBe(403);
    expect((await browser.get('/admin/users')).statusCode).toBe(200);
  });

  it('refuses a sign-in POST without a token', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const res = await browser.post(
      '/sign-in',
      { email: 'chair@lantern.invalid', password: 'correct-horse-battery' },
      { csrf: null },
    );
    expect(res.statusCode).toBe(403);
    expect(browser.cookie('lantern_session')).toBeUndefined();
  });
});

describe('second factor', () => {
  it('asks for the code once enrolled, and refuses everything else until it is given', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('return.worker@lantern.invalid');
    const setUp = await browser.get('/account/second-factor');
    expect(setUp.statusCode).toBe(200);
    // The key shown on the page, as the user types it into the app.
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(setUp.body)?.[1] ?? '';
    expect(secret).not.toBe('');
    const wrong = await browser.post('/account/second-factor', { secret, code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(`value="${secret}"`);
    const ok = await browser.post('/account/second-factor', {
      secret,
      code: await currentTotp(secret, t.clock),
    });
    expect(ok.statusCode).toBe(303);

    const next = new Browser(t.app);
    const signIn = await next.signIn('return.worker@lantern.invalid');
    expect(signIn.headers.location).toBe('/sign-in/second-factor');
    const blocked = await next.get('/account');
    expect(blocked.headers.location).toBe('/sign-in/second-factor');
    await next.get('/sign-in/second-factor');
    const bad = await next.post('/sign-in/second-factor', { code: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    const good = await next.post('/sign-in/second-factor', { code: await currentTotp(secret, t.clock) });
    expect(good.headers.location).toBe('/');
    expect((await next.get('/account')).statusCode).toBe(200);
  });

  it('in production makes every user without a second factor set one up before anything else', async () => {
    const prod = await buildTestApp({ requireSecondFactor: true });
    try {
      const browser = new Browser(prod.app);
      const res = await browser.signIn('auditor@lantern.invalid');
      expect(res.headers.location).toBe('/sign-in/set-up-second-factor');
      expect((await browser.get('/')).headers.location).toBe('/sign-in/set-up-second-factor');
      const sessions = await prod.services.withTransaction((tx) => tx.select().from(session));
      expect(sessions.some((s) => s.pendingStep === 'enrol-second-factor')).toBe(true);
    } finally {
      await prod.close();
    }
  });
});

describe('replacing a second factor', () => {
  it('keeps the factor in use until a code from the new one is given: opening the page changes nothing', async () => {
    const email = 'missing.lead@lantern.invalid';
    const browser = new Browser(t.app);
    await browser.signIn(email);
    const first = await browser.get('/account/second-factor');
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(first.body)?.[1] ?? '';
    expect(
      (await browser.post('/account/second-factor', { secret, code: await currentTotp(secret, t.clock) }))
        .statusCode,
    ).toBe(303);
    const stored = async () => {
      const [u] = await t.services.withTransaction((tx) =>
        tx.select().from(appUser).where(eq(appUser.email, email)),
      );
      return { secret: u?.totpSecret, enabled: u?.totpEnabledAt !== null };
    };
    expect(await stored()).toEqual({ secret, enabled: true });
    // Opening the page again, as a link sent by someone else would make the browser do.
    const again = await browser.get('/account/second-factor');
    const offered = /name="secret" value="([A-Z2-7]+)"/.exec(again.body)?.[1] ?? '';
    expect(offered).not.toBe(secret);
    expect(await stored()).toEqual({ secret, enabled: true });
    // A key that is not a key is refused, and nothing changes.
    const forged = await browser.post('/account/second-factor', { secret: 'not a key', code: '123456' });
    expect(forged.statusCode).toBe(400);
    expect(await stored()).toEqual({ secret, enabled: true });
    // The new factor takes over only once its code is given.
    const page = await browser.get('/account/second-factor');
    const next = /name="secret" value="([A-Z2-7]+)"/.exec(page.body)?.[1] ?? '';
    expect(
      (await browser.post('/account/second-factor', { secret: next, code: await currentTotp(next, t.clock) }))
        .statusCode,
    ).toBe(303);
    expect(await stored()).toEqual({ secret: next, enabled: true });
  });
});

describe('changing one’s password', () => {
  it('asks for the current password, and refuses a wrong one without changing anything', async () => {
    const email = 'chair@lantern.invalid';
    const browser = new Browser(t.app);
    await browser.signIn(email);
    const form = await browser.get('/account/password');
    expect(form.body).toContain('name="currentPassword"');
    const fresh = { password: 'another-long-passphrase-2', confirmPassword: 'another-long-passphrase-2' };
    const missing = await browser.post('/account/password', fresh);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('govuk-error-summary');
    expect(missing.body).toContain('Enter your current password');
    const wrong = await browser.post('/account/password', { ...fresh, currentPassword: 'not-my-password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your current password is not correct');
    // The new password does not sign in yet.
    expect((await new Browser(t.app).signIn(email, 'another-long-passphrase-2')).statusCode).toBe(401);
    const right = await browser.post('/account/password', { ...fresh, currentPassword: DEMO_PASSWORD });
    expect(right.statusCode).toBe(303);
    const after = await new Browser(t.app).signIn(email, 'another-long-passphrase-2');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).not.toMatch(/sign-in/);
  });
});
