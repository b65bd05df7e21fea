import { eq, inArray } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sightingReportsPerAddress } from '../../src/features/sightings/routes';
import { auditEvent } from '../../src/platform/audit/tables';
import { signInAttemptsPerAddress } from '../../src/platform/auth/routes';
import { signInThrottle } from '../../src/platform/auth/tables';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';
import { normalised } from '../support/html';

// A guesser at the sign-in form and a flood at the public sightings form. Sign-in must stop
// evaluating guesses past its limits, and must answer an unknown email, a wrong password and a
// throttled attempt (even one with the right password) alike, so the answers reveal neither which
// accounts exist nor when throttling began. The sightings form must refuse a flood past its limit
// without taking signed-in pages down with it. No timings are asserted: speed is the benchmarks' job.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

/** An answer reduced to what could tell one case from another: status and page, less per-request tokens and the typed email. */
function answer(res: LightMyRequestResponse, typedEmail: string): string {
  return `${res.statusCode}\n${normalised(res.body).replaceAll(typedEmail, 'EMAIL')}`;
}

/** Attempts at sign-in the server evaluated (each leaves one audit event, whatever its outcome). */
async function evaluatedAttempts(): Promise<number> {
  const rows = await t.services.withTransaction((tx) =>
    tx
      .select({ id: auditEvent.id })
      .from(auditEvent)
      .where(inArray(auditEvent.action, ['auth.sign-in-failed', 'auth.locked-out', 'auth.sign-in.password'])),
  );
  return rows.length;
}

async function lockedUntil(email: string): Promise<Date | null> {
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .select()
      .from(signInThrottle)
      .where(eq(signInThrottle.key, `email:${email}`)),
  );
  return row?.lockedUntil ?? null;
}

const figures = {
  attempts: 0,
  throttledAfterForOneAccount: 0,
  throttledAfterForOneAddress: 0,
  distinctAnswers: 0,
  flood: { requests: 0, accepted: 0, limit: 0, refused: 0, pages: 0, pagesOk: 0 },
};
const answers = { unknown: new Set<string>(), wrong: new Set<string>(), throttled: new Set<string>() };

describe('sign-in brute force', () => {
  it('locks one account after the configured failures, refuses even the right password alike, and opens after the lock', async () => {
    const { maxFailures, lockMinutes } = t.config.lockout;
    const guesser = new Browser(t.app);
    await guesser.get('/sign-in');
    const attempt = async (email: string, password: string) => {
      figures.attempts += 1;
      return guesser.post('/sign-in', { email, password });
    };

    const unknownEmail = 'nobody.here@lantern.invalid';
    answers.unknown.add(answer(await attempt(unknownEmail, 'a-guess-of-a-password'), unknownEmail));

    const email = 'analyst@lantern.invalid';
    for (let i = 1; i <= maxFailures; i++) {
      expect(await lockedUntil(email), `no lock before failure ${i}`).toBeNull();
      const res = await attempt(email, `wrong-guess-number-${i}`);
      // The failure that locks the account answers as the ones before it.
      answers.wrong.add(answer(res, email));
      if ((await lockedUntil(email)) && figures.throttledAfterForOneAccount === 0)
        figures.throttledAfterForOneAccount = i;
    }
    expect(figures.throttledAfterForOneAccount).toBe(maxFailures);

    const evaluatedBefore = await evaluatedAttempts();
    answers.throttled.add(answer(await attempt(email, 'yet-another-guess'), email));
    const right = await attempt(email, DEMO_PASSWORD);
    answers.throttled.add(answer(right, email));
    expect(right.statusCode).toBe(401);
    expect(guesser.cookie('lantern_session')).toBeUndefined();
    // Just before the lock ends, still refused; just after, the right password works.
    t.clock.advance(lockMinutes * 60_000 - 1_000);
    answers.throttled.add(answer(await attempt(email, DEMO_PASSWORD), email));
    // None of the three was evaluated.
    expect(await evaluatedAttempts()).toBe(evaluatedBefore);
    t.clock.advance(2_000);
    const after = await attempt(email, DEMO_PASSWORD);
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/');
  });

  it('stops evaluating guesses across many accounts from one address past its limit, alike for every account', async () => {
    const limit = signInAttemptsPerAddress.max;
    const sprayer = new Browser(t.app);
    await sprayer.get('/sign-in');
    const evaluatedBefore = await evaluatedAttempts();
    // Distinct emails, so no one account's lock stands in for the address limit: real and unknown mixed.
    const real = ['chair', 'auditor', 'health', 'coordinator'];
    const unique = Array.from(
      { length: limit + 5 },
      (_, i) => `${i % 10 === 0 ? (real[i / 10] ?? `guess.${i}`) : `guess.${i}`}@lantern.invalid`,
    );
    // Sent a few at a time, so the run fits well inside the limit's one-minute window.
    for (let i = 0; i < unique.length; i += 6) {
      const batch = unique.slice(i, i + 6);
      const responses = await Promise.all(
        batch.map((e) => sprayer.post('/sign-in', { email: e, password: 'spring-2026-guess' })),
      );
      responses.forEach((res, j) => {
        const e = batch[j] ?? '';
        (e.startsWith('guess.') ? answers.unknown : answers.wrong).add(answer(res, e));
      });
    }
    figures.attempts += unique.length;
    figures.throttledAfterForOneAddress = (await evaluatedAttempts()) - evaluatedBefore;
    expect(figures.throttledAfterForOneAddress).toBe(limit);

    // Past the limit even the right password is refused, in the same words; another address is unaffected.
    const right = await sprayer.post('/sign-in', {
      email: 'police.mash@lantern.invalid',
      password: DEMO_PASSWORD,
    });
    figures.attempts += 1;
    answers.throttled.add(answer(right, 'police.mash@lantern.invalid'));
    expect(sprayer.cookie('lantern_session')).toBeUndefined();
    const elsewhere = await new Browser(t.app).signIn('police.mash@lantern.invalid');
    expect(elsewhere.statusCode).toBe(303);
  });

  it('gives one answer to an unknown email, a wrong password and a throttled attempt', () => {
    const all = new Set([...answers.unknown, ...answers.wrong, ...answers.throttled]);
    figures.distinctAnswers = all.size;
    expect(answers.unknown.size).toBe(1);
    expect(answers.wrong.size).toBe(1);
    expect(answers.throttled.size).toBe(1);
    expect(all.size).toBe(1);
    expect([...all][0]).toMatch(/^401\n[\s\S]*Enter a correct email address and password/);
  });
});

describe('a flood at the sightings form', () => {
  it('answers 429 past the per-address limit while signed-in pages keep answering', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const { code } = await t.services.sightings.issueCode(
      await contextFor(t, 'hotel.admin@lantern.invalid'),
      {
        label: 'Front desk',
      },
    );
    const limit = sightingReportsPerAddress.max;
    const requests = limit * 3;

    const reader = new Browser(t.app);
    expect((await reader.signIn('social.mash@lantern.invalid')).statusCode).toBe(303);
    const pages = ['/', '/mash/sightings', '/account'];

    const flooder = new Browser(t.app);
    await flooder.request({ method: 'GET', url: '/report', remoteAddress: '127.0.0.1' });
    const form = new URLSearchParams({
      _csrf: flooder.csrfToken,
      code,
      'seenAt-day': '1',
      'seenAt-month': '8',
      'seenAt-year': '2026',
      'seenAt-hour': '21',
      'seenAt-minute': '15',
      place: 'Probe Hotel, reception',
      whatSeen: 'A girl of about 15 brought in by two adult men who asked for a room for an hour',
    }).toString();
    const report = () =>
      flooder.request({
        method: 'POST',
        url: '/report',
        remoteAddress: '127.0.0.1',
        payload: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

    const statuses: number[] = [];
    const pageStatuses: number[] = [];
    // Three reports at a time, each batch alongside a signed-in page.
    for (let i = 0; i < requests; i += 3) {
      const size = Math.min(3, requests - i);
      const [page, ...sent] = await Promise.all([
        reader.get(pages[(i / 3) % pages.length] ?? '/'),
        ...Array.from({ length: size }, report),
      ]);
      pageStatuses.push(page?.statusCode ?? 0);
      for (const res of sent) {
        statuses.push(res.statusCode);
        if (res.statusCode === 200) expect(res.body).toContain('Report sent');
      }
    }

    figures.flood = {
      requests,
      accepted: statuses.filter((s) => s === 200).length,
      limit,
      refused: statuses.filter((s) => s === 429).length,
      pages: pageStatuses.length,
      pagesOk: pageStatuses.filter((s) => s === 200).length,
    };
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(figures.flood.accepted).toBe(limit);
    expect(figures.flood.refused).toBe(requests - limit);
    expect(figures.flood.pagesOk).toBe(figures.flood.pages);
  });
});

describe('abuse figures', () => {
  it('prints the figure', () => {
    const f = figures.flood;
    const line =
      `Abuse: ${figures.attempts} sign-in attempts: throttled after ${figures.throttledAfterForOneAccount} for one account ` +
      `and ${figures.throttledAfterForOneAddress} across accounts from one address, ` +
      `${figures.distinctAnswers === 1 ? 'identical answers' : `${figures.distinctAnswers} different answers`} for unknown, wrong and throttled; ` +
      `sightings flood: ${f.requests} requests, ${f.accepted} accepted (limit ${f.limit}), ${f.refused} answered 429, ` +
      `signed-in pages 200 throughout (${f.pagesOk} of ${f.pages})`;
    console.log(line);
    expect(figures.distinctAnswers).toBe(1);
    expect(f.pages).toBeGreaterThan(0);
    expect(line).toContain('identical answers');
    expect(line).toContain(`(${f.pages} of ${f.pages})`);
  });
});
