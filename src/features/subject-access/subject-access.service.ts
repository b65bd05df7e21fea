import { asc, eq } from 'drizzle-orm';
import { requirePermission } from '../../platform/access/guard';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { auditEvent } from '../../platform/audit/tables';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { advocacySubjectAccess } from '../advocacy/subject-access';
import { concern } from '../alerts/tables';
import * as children from '../children/children.repository';
import { episode, returnInterview, riskGrading } from '../episodes/tables';
import { justiceSubjectAccess } from '../justice/subject-access';
import { notice, noticeContribution, noticeDecision } from '../notices/tables';
import { placement } from '../placements/tables';
import { childProfile, childProfileEntry } from '../profiles/tables';
import { cseScreening } from '../screening/tables';
import { sighting } from '../sightings/tables';

/** One value in the export; `thirdParty` marks what names or describes someone else, for redaction. */
export interface Field {
  label: string;
  value: string | number | boolean | null;
  thirdParty?: boolean;
}
export interface Section {
  heading: string;
  records: { title: string; fields: Field[] }[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const f = (label: string, value: Field['value'] | Date | undefined, thirdParty = false): Field => ({
  label,
  value: value instanceof Date ? value.toISOString() : (value ?? null),
  ...(thirdParty ? { thirdParty: true } : {}),
});

/**
 * A subject access export: everything the hub holds about one child, including who viewed the
 * record and when, with what names or describes other people marked for redaction. The export is
 * itself audited.
 */
export class SubjectAccessService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async export(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:subject-access');
    return this.withTransaction(async (tx) => {
      const c = await children.findVisibleChild(tx, ctx, childId);
      if (!c) throw new NotFoundError();
      const aliases = await children.aliasesOf(tx, childId);
      const sections: Section[] = [];

      sections.push({
        heading: 'The child',
        records: [
          {
            title: `${c.givenName} ${c.familyName}`,
            fields: [
              f('Date of birth', c.dateOfBirth),
              f('Sex', c.sex),
              f('Ethnicity', c.ethnicity),
              f('Looked after', c.lookedAfter),
              f('Legal status', c.legalStatus),
              f('Responsible authority', c.responsibleAuthorityCode),
              f('Unique pupil number', c.upn),
              f('Local authority child id', c.localAuthorityChildId),
              f('Police person id', c.policePersonId),
              f('Home postcode', c.homePostcode),
              f('Other names', aliases.map((a) => `${a.givenName} ${a.familyName}`).join(', ') || null),
            ],
          },
        ],
      });

      const [profile] = await tx.select().from(childProfile).where(eq(childProfile.childId, childId));
      const entries = await tx.select().from(childProfileEntry).where(eq(childProfileEntry.childId, childId));
      sections.push({
        heading: 'Philomena profile',
        records: [
          ...(profile
            ? [
                {
                  title: 'Description and needs',
                  fields: [
                    f('Height', profile.height),
                    f('Build', profile.build),
                    f('Hair', profile.hair),
                    f('Eyes', profile.eyes),
                    f('Distinguishing features', profile.distinguishingFeatures),
                    f('Usual clothing', profile.usualClothing),
                    f('Health needs', profile.healthNeeds),
                    f('Medication', profile.medication),
                    f('Money', profile.money),
                    f('Transport', profile.transport),
                    f('Other information', profile.otherInformation),
                  ],
                },
              ]
            : []),
          ...entries.map((e) => ({
            title: `${e.kind.replace('_', ' ')}${e.removedAt ? ' (removed)' : ''}`,
            fields: [
              f('Value', e.value, e.kind === 'associate'),
              f('Detail', e.detail, e.kind === 'associate'),
            ],
          })),
        ],
      });

      const placements = await tx.select().from(placement).where(eq(placement.childId, childId));
      sections.push({
        heading: 'Placements',
        records: placements.map((p) => ({
          title: `From ${p.startDate}${p.endDate ? ` to ${p.endDate}` : ''}`,
          fields: [
            f('Type', p.placementType),
            f('Provider', p.provider),
            f('Postcode', p.postcode),
            f('Placing authority', p.placingAuthorityCode),
            f('Host authority', p.hostAuthorityCode),
          ],
        })),
      });

      const episodes = await tx
        .select()
        .from(episode)
        .where(eq(episode.childId, childId))
        .orderBy(asc(episode.startedAt));
      const gradings = await tx
        .select({ g: riskGrading })
        .from(riskGrading)
        .innerJoin(episode, eq(episode.id, riskGrading.episodeId))
        .where(eq(episode.childId, childId));
      sections.push({
        heading: 'Missing and absent episodes',
        records: episodes.map((e) => ({
          title: `${e.kind === 'missing' ? 'Missing' : 'Absent'} from ${iso(e.startedAt)}`,
          fields: [
            f('Last seen', e.lastSeenLocation),
            f('Circumstances', e.circumstances, true),
            f('Clothing', e.clothing),
            f('May be with', e.possiblyWith, true),
            f('Police reference', e.policeReference),
            f('Ended', e.endedAt),
            f('Where found', e.foundLocation),
            f('Found with', e.foundWith, true),
            ...gradings
              .filter((g) => g.g.episodeId === e.id)
              .map((g) => f(`Risk graded ${iso(g.g.gradedAt)}`, `${g.g.grade}: ${g.g.rationale}`)),
          ],
        })),
      });

      const interviews = await tx.select().from(returnInterview).where(eq(returnInterview.childId, childId));
      sections.push({
        heading: 'Return interviews',
        records: interviews.map((i) => ({
          title: `Due ${iso(i.dueAt)}: ${i.status}`,
          fields: [
            f('Held', i.heldAt),
            f('Interviewer', i.interviewerName, true),
            f('Why they left', i.whyLeft),
            f('Where they stayed', i.whereStayed, true),
            f('Who with', i.whoWith, true),
            f('How they travelled', i.howTravelled),
            f('Harm disclosed', i.harmDisclosed, true),
            f('Exploitation concerns', i.exploitationConcerns, true),
            f('Actions', i.actions),
            f('Declined because', i.declinedReason),
          ],
        })),
      });

      const notices = await tx.select().from(notice).where(eq(notice.childId, childId));
      const contributions = await tx
        .select({ c: noticeContribution, agency: agency.name })
        .from(noticeContribution)
        .innerJoin(notice, eq(notice.id, noticeContribution.noticeId))
        .innerJoin(agency, eq(agency.id, noticeContribution.agencyId))
        .where(eq(notice.childId, childId));
      const decisions = await tx
        .select({ d: noticeDecision })
        .from(noticeDecision)
        .innerJoin(notice, eq(notice.id, noticeDecision.noticeId))
        .where(eq(notice.childId, childId));
      sections.push({
        heading: 'Child concern notices',
        records: notices.map((n) => ({
          title: `Raised ${iso(n.raisedAt)}: ${n.categories.join(', ')}`,
          fields: [
            f('What happened', n.whatHappened, true),
            f('Source', n.source, true),
            ...contributions
              .filter((x) => x.c.noticeId === n.id)
              .map((x) => f(`Information from ${x.agency}`, x.c.information, true)),
            ...decisions
              .filter((x) => x.d.noticeId === n.id)
              .map((x) =>
                f(`Decision${x.d.finalAt ? '' : ' (proposed)'}`, `${x.d.outcomeLabel}: ${x.d.rationale}`),
              ),
          ],
        })),
      });

      const screenings = await tx.select().from(cseScreening).where(eq(cseScreening.childId, childId));
      sections.push({
        heading: 'CSE screenings',
        records: screenings.map((s) => ({
          title: `Screened ${iso(s.screenedAt)}`,
          fields: [
            f('Level', s.level),
            f('Score', s.score),
            f('Tool version', s.toolVersion),
            f('Indicators', s.items.map((i) => `${i.text} (${i.answer}, ${i.points})`).join('; ') || null),
            f('Notes', s.notes),
          ],
        })),
      });

      const concerns = await tx.select().from(concern).where(eq(concern.childId, childId));
      const seen = await tx.select().from(sighting).where(eq(sighting.childId, childId));
      sections.push({
        heading: 'Concerns and sightings',
        records: [
          ...concerns.map((x) => ({
            title: `Concern raised ${iso(x.raisedAt)}`,
            fields: [f('Details', x.details, true)],
          })),
          ...seen.map((x) => ({
            title: `Sighting ${x.reference}, ${iso(x.seenAt)}`,
            fields: [
              f('Where', x.place),
              f('What was seen', x.whatSeen, true),
              f('Adults', x.adults, true),
              f('Vehicles', x.vehicles, true),
              f('Reported by', x.reporterName, true),
            ],
          })),
        ],
      });

      sections.push(await advocacySubjectAccess(tx, childId));
      sections.push(await justiceSubjectAccess(tx, childId));

      // Who viewed or changed the record, and when: every audit event about the child.
      const events = await tx
        .select({
          at: auditEvent.occurredAt,
          action: auditEvent.action,
          person: appUser.name,
          agency: agency.name,
        })
        .from(auditEvent)
        .leftJoin(appUser, eq(appUser.id, auditEvent.actorUserId))
        .leftJoin(agency, eq(agency.id, auditEvent.actorAgencyId))
        .where(eq(auditEvent.childId, childId))
        .orderBy(asc(auditEvent.seq));

      await recordAudit(tx, ctx, {
        action: 'child.subject-access',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return {
        child: { id: c.id, givenName: c.givenName, familyName: c.familyName },
        producedAt: ctx.clock.now().toISOString(),
        sections,
        accessLog: events.map((e) => ({
          at: e.at.toISOString(),
          action: e.action,
          // Staff names are third-party data in a subject access response: kept, marked for redaction.
          person: e.person,
          agency: e.agency ?? 'The hub itself',
        })),
      };
    });
  }
}
