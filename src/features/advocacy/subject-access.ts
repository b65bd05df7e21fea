import { asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { Section } from '../subject-access/subject-access.service';
import { heardNames, meetingKindNames, responseNames } from './schemas';
import { advocacyMeeting, advocacyMeetingChange } from './tables';

/**
 * The child's advocacy meetings for a subject access export, each with its history. The advocate
 * and whoever offered advocacy are other people: marked for redaction.
 */
export async function advocacySubjectAccess(tx: Tx, childId: string): Promise<Section> {
  const meetings = await tx
    .select()
    .from(advocacyMeeting)
    .where(eq(advocacyMeeting.childId, childId))
    .orderBy(asc(advocacyMeeting.meetingOn));
  const changes = meetings.length
    ? await tx
        .select()
        .from(advocacyMeetingChange)
        .where(
          inArray(
            advocacyMeetingChange.meetingId,
            meetings.map((m) => m.id),
          ),
        )
        .orderBy(asc(advocacyMeetingChange.changedAt))
    : [];
  const field = (label: string, value: string | boolean | null, thirdParty = false) => ({
    label,
    value,
    ...(thirdParty ? { thirdParty: true } : {}),
  });
  return {
    heading: 'Independent advocacy',
    records: meetings.map((m) => ({
      title: `${meetingKindNames[m.kind]} on ${m.meetingOn}${m.enteredInErrorAt ? ' (entered in error)' : ''}`,
      fields: [
        field('Advocacy offered', m.offered),
        field('Offered on', m.offeredOn),
        field('Offered by', m.offeredBy, true),
        field('Why it was not offered', m.notOfferedReason),
        field('The child’s answer', m.response ? responseNames[m.response] : null),
        field('Advocate', m.advocateName, true),
        field('Advocate’s organisation', m.advocateOrganisation, true),
        field('What the child wanted said', m.childViews),
        field('Heard', m.heard ? heardNames[m.heard] : null),
        field('How they were heard', m.heardNote),
        field('Entered in error because', m.enteredInErrorReason),
        ...changes
          .filter((c) => c.meetingId === m.id)
          .map((c) =>
            field(
              `Changed ${c.changedAt.toISOString()}: ${c.field}`,
              `${c.oldValue ?? 'blank'} to ${c.newValue ?? 'blank'}${c.reason ? ` (${c.reason})` : ''}`,
              c.field === 'advocateName' || c.field === 'advocateOrganisation' || c.field === 'offeredBy',
            ),
          ),
      ],
    })),
  };
}
