import { fakerEN_GB as faker } from '@faker-js/faker';
import { phoneticCodes } from '../features/children/names';
import { childSearchName } from '../features/children/tables';
import { episode, returnInterview, riskGrading } from '../features/episodes/tables';
import { childrensHome } from '../features/homes/tables';
import { child, childAccess } from '../platform/access/tables';
import { agency } from '../platform/agencies/tables';
import { recordAudit } from '../platform/audit/audit';
import { type Clock, systemContext } from '../platform/context';
import type { WithTransaction } from '../platform/db/transaction';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DemoScale {
  children: number;
  episodes: number;
  homes: number;
}

export const demoScale: DemoScale = { children: 400, episodes: 3_000, homes: 12 };

const ethnicities = [
  'WBRI',
  'WBRI',
  'WBRI',
  'WOTH',
  'MWBC',
  'MWAS',
  'AIND',
  'APKN',
  'BAFR',
  'BCRB',
  'OOTH',
  'NOBT',
] as const;
const legalStatuses = ['C2', 'C2', 'C1', 'V2', 'E1'] as const;

/** A postcode in the right form for the area; built, not looked up, so it names nobody's home. */
function postcodeIn(area: string): string {
  return `${area}${faker.number.int({ min: 1, max: 28 })} ${faker.number.int({ min: 1, max: 9 })}${faker.string.alpha({ length: 2, casing: 'upper', exclude: ['C', 'I', 'K', 'M', 'O', 'V'] })}`;
}

/** Most episodes start in the evening or at night (16:00 to 02:00). */
function eveningOrNight(day: Date): Date {
  const hour = faker.helpers.weightedArrayElement([
    { weight: 2, value: faker.number.int({ min: 8, max: 15 }) },
    { weight: 6, value: faker.number.int({ min: 16, max: 23 }) },
    { weight: 2, value: faker.number.int({ min: 0, max: 2 }) },
  ]);
  const d = new Date(day);
  d.setUTCHours(hour, faker.number.int({ min: 0, max: 59 }), 0, 0);
  return d;
}

/**
 * Synthetic children, homes, episodes, gradings and return interviews at demo scale, from a fixed
 * seed: a few children go missing very often (as in life), most once or twice; some interviews are
 * overdue. Every name is invented by faker; nothing describes a real person.
 */
export async function seedDemoRecords(
  withTransaction: WithTransaction,
  clock: Clock,
  scale = demoScale,
): Promise<void> {
  faker.seed(20_121_126);
  const now = clock.now();
  await withTransaction(async (tx) => {
    const agencies = await tx.select().from(agency);
    const byName = (name: string) => agencies.find((a) => a.name === name);
    const leeds = byName('Leeds City Council Children’s Services');
    const westYorkshire = byName('West Yorkshire Police');
    const northYorkshire = byName('North Yorkshire Council Children’s Services');
    const nyPolice = byName('North Yorkshire Police');
    const homesProvider = byName('Brightwater Children’s Homes Ltd');
    const returnService = byName('Safe Return Project');
    if (!leeds || !westYorkshire || !northYorkshire || !nyPolice || !homesProvider || !returnService) {
      throw new Error('the demo agencies must be seeded first');
    }

    const homes = Array.from({ length: scale.homes }, (_, i) => {
      const inLeeds = i % 3 !== 2;
      return {
        urn: `SC${String(900_000 + i).padStart(6, '0')}`,
        name: `${faker.location.street()} House`,
        providerName: i % 2 === 0 ? homesProvider.name : `${faker.company.name()} Care`,
        providerAgencyId: i % 2 === 0 ? homesProvider.id : null,
        address: faker.location.streetAddress(),
        postcode: postcodeIn(inLeeds ? 'LS' : 'YO'),
        localAuthorityCode: inLeeds ? 'E08000035' : 'E06000065',
        registeredPlaces: faker.number.int({ min: 2, max: 6 }),
        status: 'active' as const,
        importedAt: now,
      };
    });
    await tx.insert(childrensHome).values(homes).onConflictDoNothing();

    const children = Array.from({ length: scale.children }, () => {
      const lookedAfter = faker.datatype.boolean({ probability: 0.6 });
      const leedsChild = faker.datatype.boolean({ probability: 0.75 });
      const sex = faker.helpers.arrayElement(['M', 'F'] as const);
      return {
        givenName: faker.person.firstName(sex === 'M' ? 'male' : 'female'),
        familyName: faker.person.lastName(),
        dateOfBirth: faker.date
          .between({
            from: new Date(now.getTime() - 17.5 * 365 * DAY),
            to: new Date(now.getTime() - 10 * 365 * DAY),
          })
          .toISOString()
          .slice(0, 10),
        sex,
        ethnicity: faker.helpers.arrayElement(ethnicities),
        lookedAfter,
        legalStatus: lookedAfter ? faker.helpers.arrayElement(legalStatuses) : null,
        responsibleAuthorityCode: lookedAfter ? (leedsChild ? 'E08000035' : 'E06000065') : null,
        localAuthorityChildId: `${leedsChild ? 'LDS' : 'NYC'}${faker.string.numeric(7)}`,
        homePostcode: postcodeIn(leedsChild ? 'LS' : 'YO'),
        createdByAgencyId: leedsChild ? leeds.id : northYorkshire.id,
        createdAt: new Date(now.getTime() - 400 * DAY),
      };
    });
    const childRows = [];
    for (let i = 0; i < children.length; i += 200) {
      childRows.push(
        ...(await tx
          .insert(child)
          .values(children.slice(i, i + 200))
          .returning()),
      );
    }

    const accessRows = childRows.flatMap((c) => {
      const inLeeds = c.createdByAgencyId === leeds.id;
      const validFrom = c.createdAt;
      return [
        {
          childId: c.id,
          agencyId: inLeeds ? leeds.id : northYorkshire.id,
          basis: 'creator' as const,
          validFrom,
        },
        {
          childId: c.id,
          agencyId: inLeeds ? westYorkshire.id : nyPolice.id,
          basis: 'episode_force' as const,
          validFrom,
        },
        ...(inLeeds && c.lookedAfter
          ? [{ childId: c.id, agencyId: homesProvider.id, basis: 'home' as const, validFrom }]
          : []),
        ...(inLeeds
          ? [{ childId: c.id, agencyId: returnService.id, basis: 'case_team' as const, validFrom }]
          : []),
      ];
    });
    for (let i = 0; i < accessRows.length; i += 500)
      await tx.insert(childAccess).values(accessRows.slice(i, i + 500));
    await tx.insert(childSearchName).values(
      childRows.map((c) => ({
        childId: c.id,
        givenName: c.givenName,
        familyName: c.familyName,
        givenCodes: phoneticCodes(c.givenName),
        familyCodes: phoneticCodes(c.familyName),
        source: 'name' as const,
      })),
    );

    // A heavy tail: about one child in ten accounts for most episodes.
    const weights = childRows.map((_, i) => (i % 10 === 0 ? 40 : i % 3 === 0 ? 4 : 1));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const perChild = weights.map((w) => Math.max(0, Math.round((w / totalWeight) * scale.episodes)));

    const episodes: (typeof episode.$inferInsert)[] = [];
    childRows.forEach((c, i) => {
      const count = perChild[i] ?? 0;
      const inLeeds = c.createdByAgencyId === leeds.id;
      const starts = Array.from({ length: count }, () =>
        eveningOrNight(
          faker.date.between({
            from: new Date(now.getTime() - 365 * DAY),
            to: new Date(now.getTime() - 4 * HOUR),
          }),
        ),
      ).sort((a, b) => a.getTime() - b.getTime());
      let previousEnd = 0;
      starts.forEach((start, n) => {
        const begin = new Date(Math.max(start.getTime(), previousEnd + HOUR));
        if (begin.getTime() > now.getTime() - 2 * HOUR) return;
        const last = n === starts.length - 1;
        const open = last && i % 37 === 0;
        const hoursAway = faker.helpers.weightedArrayElement([
          { weight: 6, value: faker.number.int({ min: 1, max: 12 }) },
          { weight: 3, value: faker.number.int({ min: 12, max: 48 }) },
          { weight: 1, value: faker.number.int({ min: 48, max: 120 }) },
        ]);
        const end = new Date(Math.min(begin.getTime() + hoursAway * HOUR, now.getTime() - HOUR));
        previousEnd = end.getTime();
        episodes.push({
          childId: c.id,
          kind: faker.datatype.boolean({ probability: 0.7 }) ? 'missing' : 'absent',
          startedAt: begin,
          reportedAt: new Date(begin.getTime() + faker.number.int({ min: 15, max: 180 }) * 60_000),
          reportedByAgencyId:
            c.lookedAfter && inLeeds ? homesProvider.id : inLeeds ? leeds.id : northYorkshire.id,
          lastSeenLocation: faker.helpers.arrayElement([
            'The home',
            'School',
            'Town centre',
            'Bus station',
            'A friend’s house',
          ]),
          policeForceCode: inLeeds ? 'E23000010' : 'E23000009',
          searchedBeforeReporting: faker.datatype.boolean({ probability: 0.7 }),
          calledChild: faker.datatype.boolean({ probability: 0.8 }),
          contactedFriendsFamily: faker.datatype.boolean({ probability: 0.5 }),
          endedAt: open ? null : end,
          createdAt: begin,
        });
      });
    });
    const episodeRows = [];
    for (let i = 0; i < episodes.length; i += 500) {
      episodeRows.push(
        ...(await tx
          .insert(episode)
          .values(episodes.slice(i, i + 500))
          .returning()),
      );
    }

    const gradings = episodeRows.map((e) => ({
      episodeId: e.id,
      grade: faker.helpers.weightedArrayElement([
        { weight: 2, value: 'no_apparent_risk' as const },
        { weight: 4, value: 'low' as const },
        { weight: 3, value: 'medium' as const },
        { weight: 1, value: 'high' as const },
      ]),
      rationale: faker.helpers.arrayElement([
        'First episode this month, returned home before',
        'Known to associate with older peers in the city centre',
        'Medication needed daily',
        'Pattern of overnight absences',
      ]),
      gradedAt: new Date(e.reportedAt.getTime() + 30 * 60_000),
    }));
    for (let i = 0; i < gradings.length; i += 500)
      await tx.insert(riskGrading).values(gradings.slice(i, i + 500));

    const interviews = episodeRows
      .filter((e): e is typeof e & { endedAt: Date } => e.endedAt !== null)
      .map((e) => {
        const dueAt = new Date(e.endedAt.getTime() + 72 * HOUR);
        const past = dueAt < now;
        const outcome = past
          ? faker.helpers.weightedArrayElement([
              { weight: 7, value: 'held' as const },
              { weight: 2, value: 'declined' as const },
              { weight: 1, value: 'due' as const },
            ])
          : faker.helpers.arrayElement(['due', 'offered'] as const);
        const inLeeds = e.policeForceCode === 'E23000010';
        return {
          episodeId: e.id,
          childId: e.childId,
          ownerAgencyId: inLeeds ? leeds.id : northYorkshire.id,
          assignedAgencyId: inLeeds ? returnService.id : northYorkshire.id,
          dueAt,
          status: outcome,
          heldAt:
            outcome === 'held'
              ? new Date(e.endedAt.getTime() + faker.number.int({ min: 6, max: 90 }) * HOUR)
              : null,
          interviewerIndependent: outcome === 'held' ? true : null,
          declinedReason: outcome === 'declined' ? 'Did not want to talk about it' : null,
          createdAt: e.endedAt,
        };
      });
    for (let i = 0; i < interviews.length; i += 500)
      await tx.insert(returnInterview).values(interviews.slice(i, i + 500));

    await recordAudit(tx, systemContext(clock, 'seed'), { action: 'seed.demo-records', subjectType: 'demo' });
  });
}
