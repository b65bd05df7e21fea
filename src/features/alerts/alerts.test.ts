import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { startSmtpPeer, waitFor } from '../../../test/support/smtp';
import { systemContext } from '../../platform/context';
import { startWorkers } from '../../workers';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  t = await buildTestApp({ smtpUrl: smtp.url });
  await startWorkers(t.services, 0.5);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const mailTo = (address: string, subject: string) =>
  smtp.received.filter((m) => m.to.includes(address) && m.raw.includes(subject));

async function lookedAfterChild(familyName: string) {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  return t.services.children.create(social, {
    givenName: 'Alerted',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
}

describe('alerts between agencies', () => {
  it('tells the placing authority, the force and the reporting home at once, in the inbox and by email without names', async () => {
    t.clock.set('2026-06-01T20:00:00Z');
    const childId = await lookedAfterChild('Reported');
    const home = await contextFor(t, 'home.staff@lantern.invalid');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    // The home can see the child once it is placed there; for now grant it as a share.
    await t.services.withTransaction(async (tx) => {
      const { grantAccess } = await import('../children/children.repository');
      await grantAccess(tx, {
        childId,
        agencyId: home.actor?.agencyId ?? '',
        basis: 'home',
        validFrom: t.clock.now(),
      });
    });
    await t.services.episodes.report(home, childId, {
      kind: 'missing',
      startedAt: new Date('2026-06-01T19:00:00Z'),
      policeForceCode: 'E23000010',
    });
    for (const duty of [
      'duty.la@lantern.invalid',
      'duty.police@lantern.invalid',
      'duty.homes@lantern.invalid',
    ]) {
      const mail = await waitFor(() => mailTo(duty, 'reported missing or absent')[0]);
      expect(mail.raw).not.toContain('Reported');
      expect(mail.raw).toContain('/episodes/');
    }
    const officer = new Browser(t.app);
    await officer.signIn('police.mash@lantern.invalid');
    const inbox = await officer.get('/alerts');
    expect(inbox.body).toContain('Alerted Reported');
    const socialInbox = await t.services.alerts.inbox(social);
    expect(socialInbox.rows.some((a) => a.child?.id === childId)).toBe(true);
  });

  it('emails the force’s missing-from-home coordinator at once when the risk is graded high', async () => {
    t.clock.set('2026-06-02T20:00:00Z');
    const childId = await lookedAfterChild('Graded');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-06-02T19:00:00Z'),
      policeForceCode: 'E23000010',
    });
    await t.services.episodes.grade(officer, id, {
      grade: 'high',
      rationale: 'Seen with an adult of concern',
    });
    const mail = await waitFor(() => mailTo('coordinator@lantern.invalid', 'graded high risk')[0]);
    expect(mail.raw).toContain(`/episodes/${id}`);
  });

  it('reminds 24 hours before the deadline and escalates after it, one email each however often the job runs', async () => {
    t.clock.set('2026-06-03T10:00:00Z');
    const childId = await lookedAfterChild('Reminded');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-06-03T08:00:00Z'),
      policeForceCode: 'E23000010',
    });
    const { returnInterviewId } = await t.services.episodes.close(social, id, {
      endedAt: new Date('2026-06-03T09:00:00Z'),
    });
    const system = () => systemContext(t.clock, 'test-job');

    expect(await t.services.returnInterviews.remindAndEscalate(system())).toEqual({
      reminded: 0,
      escalated: 0,
    });
    t.clock.set('2026-06-05T10:00:00Z'); // 23 hours before the deadline
    expect(await t.services.returnInterviews.remindAndEscalate(system())).toEqual({
      reminded: 1,
      escalated: 0,
    });
    expect(await t.services.returnInterviews.remindAndEscalate(system())).toEqual({
      reminded: 0,
      escalated: 0,
    });
    await waitFor(() => mailTo('duty.voluntary@lantern.invalid', 'due within 24 hours')[0]);

    t.clock.set('2026-06-06T09:30:00Z'); // half an hour past the deadline
    await t.services.returnInterviews.remindAndEscalate(system());
    await t.services.returnInterviews.remindAndEscalate(system());
    await waitFor(() => mailTo('coordinator@lantern.invalid', 'return interview is overdue')[0]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('duty.voluntary@lantern.invalid', 'due within 24 hours')).toHaveLength(1);
    expect(mailTo('coordinator@lantern.invalid', 'return interview is overdue')).toHaveLength(1);
    expect(returnInterviewId).toBeTruthy();
  });

  it('escalates an unacknowledged high-priority alert to the duty manager, then the coordinator, once each', async () => {
    t.clock.set('2026-06-10T10:00:00Z');
    const childId = await lookedAfterChild('Escalated');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-06-10T09:00:00Z'),
      policeForceCode: 'E23000010',
    });
    await t.services.episodes.grade(officer, id, { grade: 'high', rationale: 'Adult of concern' });
    const job = systemContext(t.clock, 'test-job');
    t.clock.set('2026-06-10T10:29:00Z');
    await t.services.alerts.escalate(job);
    const subject = 'Not yet acknowledged';
    expect(mailTo('duty.manager@lantern.invalid', subject)).toEqual([]);
    t.clock.set('2026-06-10T10:31:00Z');
    await t.services.alerts.escalate(job);
    await t.services.alerts.escalate(job);
    const about = (address: string) =>
      mailTo(address, subject).filter((m) => m.raw.includes(`/episodes/${id}`));
    await waitFor(() => about('duty.manager@lantern.invalid').length > 0);
    expect(about('coordinator@lantern.invalid')).toEqual([]);
    t.clock.set('2026-06-10T11:02:00Z');
    await t.services.alerts.escalate(job);
    await waitFor(() => about('coordinator@lantern.invalid').length > 0);
    // The coordinator acknowledges it; nothing more is sent, and who acknowledged is shown.
    const coordinator = new Browser(t.app);
    await coordinator.signIn('coordinator@lantern.invalid');
    const inbox = await coordinator.get('/alerts');
    expect(inbox.body).toContain('Escalated to the duty managers and the missing-from-home lead');
    const [alertId] = [...inbox.body.matchAll(/action="\/alerts\/([0-9a-f-]{36})\/acknowledge"/g)]
      .map((m) => m[1])
      .filter(Boolean);
    const after = await coordinator.post(`/alerts/${alertId}/acknowledge`, {});
    expect(after.statusCode).toBe(303);
    expect((await coordinator.get('/alerts')).body).toContain('Dan Whitlow');
    t.clock.set('2026-06-10T12:00:00Z');
    await t.services.alerts.escalate(job);
    expect(about('duty.manager@lantern.invalid')).toHaveLength(1);
    expect(about('coordinator@lantern.invalid')).toHaveLength(1);
  });

  it('sends alerts raised out of office hours to the emergency duty team as well', async () => {
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    const leeds = (await t.services.agencies.list(hub)).find(
      (a) => a.name === 'Leeds City Council Children’s Services',
    );
    await t.services.agencies.setOutOfHoursEmail(hub, leeds?.id ?? '', 'edt.leeds@lantern.invalid');
    await expect(
      t.services.agencies.setOutOfHoursEmail(hub, leeds?.id ?? '', 'not an address'),
    ).rejects.toMatchObject({
      fieldErrors: [{ field: 'outOfHoursEmail' }],
    });
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    // Tuesday 2pm: office hours.
    t.clock.set('2026-06-16T13:00:00Z');
    const day = await lookedAfterChild('Daytime');
    await t.services.episodes.report(social, day, {
      kind: 'missing',
      startedAt: new Date('2026-06-16T12:00:00Z'),
      policeForceCode: 'E23000010',
    });
    // Saturday 2am.
    t.clock.set('2026-06-20T01:00:00Z');
    const night = await lookedAfterChild('Nighttime');
    await t.services.episodes.report(social, night, {
      kind: 'missing',
      startedAt: new Date('2026-06-20T00:30:00Z'),
      policeForceCode: 'E23000010',
    });
    await waitFor(() => mailTo('edt.leeds@lantern.invalid', 'reported missing').length > 0);
    expect(mailTo('edt.leeds@lantern.invalid', 'reported missing')).toHaveLength(1);
  });
});
