import { and, eq, inArray } from 'drizzle-orm';
import type { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import type { Tx } from '../../platform/db/client';
import { type AdvocacyResponse, advocacyMeeting, type HeardAnswer, type MeetingKind } from './tables';

const DAY = 86_400_000;

/** The pattern the demo's meetings follow, in turn: mostly offered, mostly accepted, mostly heard. */
const pattern: {
  kind: MeetingKind;
  offered: boolean;
  response?: AdvocacyResponse;
  heard?: HeardAnswer;
}[] = [
  { kind: 'care_review', offered: true, response: 'accepted', heard: 'yes' },
  { kind: 'placement_planning', offered: true, response: 'accepted', heard: 'partly' },
  { kind: 'care_review', offered: true, response: 'declined' },
  { kind: 'care_review', offered: false },
  { kind: 'placement_planning', offered: true, response: 'accepted', heard: 'yes' },
  { kind: 'care_review', offered: true, response: 'not_answered' },
  { kind: 'placement_planning', offered: true, response: 'declined' },
];
const advocates = [
  ['Lee Harper', 'Speak Up Advocacy'],
  ['Kim Lowe', 'Voices for Children'],
];
const views = [
  'I want to stay at my school and see my friends at weekends.',
  'I would like more time with my younger brother.',
  'I do not want to move again before my exams.',
];

/**
 * A few synthetic meetings for the demo's looked-after children: the first 24 with a responsible
 * authority the hub knows, one to three meetings each over the last year. Deterministic, so the
 * rest of the demo data is as it was.
 */
export async function seedDemoAdvocacy(
  tx: Tx,
  children: (typeof child.$inferSelect)[],
  now: Date,
): Promise<void> {
  const codes = [...new Set(children.map((c) => c.responsibleAuthorityCode).filter((c): c is string => !!c))];
  if (codes.length === 0) return;
  const authorities = await tx
    .select({ id: agency.id, code: agency.localAuthorityCode })
    .from(agency)
    .where(and(eq(agency.type, 'local_authority'), inArray(agency.localAuthorityCode, codes)));
  const recorderOf = new Map(authorities.map((a) => [a.code, a.id]));
  const chosen = children
    .filter((c) => c.lookedAfter && c.responsibleAuthorityCode && recorderOf.has(c.responsibleAuthorityCode))
    .slice(0, 24);
  const rows: (typeof advocacyMeeting.$inferInsert)[] = [];
  let turn = 0;
  chosen.forEach((c, i) => {
    for (let k = 0; k < 1 + (i % 3); k += 1) {
      const p = pattern[turn % pattern.length] ?? pattern[0];
      turn += 1;
      if (!p) continue;
      const meetingOn = new Date(now.getTime() - (20 + ((i * 37 + k * 113) % 330)) * DAY);
      const day = meetingOn.toISOString().slice(0, 10);
      const accepted = p.response === 'accepted';
      const [name, organisation] = advocates[turn % advocates.length] ?? [];
      rows.push({
        childId: c.id,
        responsibleAuthorityCode: c.responsibleAuthorityCode ?? '',
        kind: p.kind,
        meetingOn: day,
        offered: p.offered,
        offeredOn: p.offered ? new Date(meetingOn.getTime() - 14 * DAY).toISOString().slice(0, 10) : null,
        offeredBy: p.offered ? 'Social worker' : null,
        notOfferedReason: p.offered ? null : 'The review was brought forward at a day’s notice',
        response: p.response ?? null,
        advocateName: accepted ? (name ?? null) : null,
        advocateOrganisation: accepted ? (organisation ?? null) : null,
        childViews: accepted ? (views[turn % views.length] ?? null) : null,
        heard: accepted ? (p.heard ?? null) : null,
        heardNote: p.heard === 'partly' ? 'Contact with family was left to the next review' : null,
        recordedByAgencyId: recorderOf.get(c.responsibleAuthorityCode ?? '') ?? '',
        recordedAt: meetingOn,
        updatedAt: meetingOn,
      });
    }
  });
  if (rows.length) await tx.insert(advocacyMeeting).values(rows);
}
