import { fakerEN_GB as faker, SimpleFaker } from '@faker-js/faker';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { seedDemoAdvocacy } from '../features/advocacy/demo';
import { type AllocationSubject, allocation, team } from '../features/allocation/tables';
import { phoneticCodes } from '../features/children/names';
import { childSearchName } from '../features/children/tables';
import { episode, returnInterview, riskGrading } from '../features/episodes/tables';
import { childrensHome } from '../features/homes/tables';
import { seedDemoJustice } from '../features/justice/demo';
import { location } from '../features/locations/tables';
import { milesBetween } from '../features/placements/distance';
import { placement } from '../features/placements/tables';
import { childProfile, childProfileEntry } from '../features/profiles/tables';
import { seedDemoTraining } from '../features/training/demo';
import { child, childAccess } from '../platform/access/tables';
import { findLocalAuthority } from '../platform/agencies/reference-data';
import { agency } from '../platform/agencies/tables';
import { recordAudit } from '../platform/audit/audit';
import { appUser } from '../platform/auth/tables';
import { type Clock, systemContext } from '../platform/context';
import type { WithTransaction } from '../platform/db/transaction';
import { seedDemoCareEpisodes } from './care';
import { seedDemoIntelligence } from './intelligence';
import { seedEpisodePlaces } from './places';

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
function postcodeIn(area: string, f: SimpleFaker = faker): string {
  return `${area}${f.number.int({ min: 1, max: 28 })} ${f.number.int({ min: 1, max: 9 })}${f.string.alpha({ length: 2, casing: 'upper', exclude: ['C', 'I', 'K', 'M', 'O', 'V'] })}`;
}

const LEEDS = 'E08000035';
const NORTH_YORKSHIRE = 'E06000065';

interface Point {
  lat: number;
  lon: number;
}

function centreOf(code: string): Point {
  const authority = findLocalAuthority(code);
  if (!authority) throw new Error(`no centroid for ${code}`);
  return { lat: authority.lat, lon: authority.lon };
}

/** The point `miles` from `from` on a compass bearing: flat-earth sums are close enough here. */
function offset(from: Point, miles: number, bearing: number): Point {
  const rad = (bearing * Math.PI) / 180;
  const milesPerDegree = 69.05;
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    lat: round(from.lat + (miles * Math.cos(rad)) / milesPerDegree),
    lon: round(from.lon + (miles * Math.sin(rad)) / (milesPerDegree * Math.cos((from.lat * Math.PI) / 180))),
  };
}

/** One placement in this many is far out of area: a children's home over 20 miles away, in the other authority. */
const FAR_PLACEMENT_EVERY = 8;

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
 * Synthetic children, homes, placements, episodes, gradings and return interviews at demo scale,
 * from a fixed seed: a few children go missing very often (as in life), most once or twice; some
 * are placed far from home; some interviews are overdue. Every name is invented by faker; nothing
 * describes a real person.
 */
export async function seedDemoRecords(
  withTransaction: WithTransaction,
  clock: Clock,
  scale = demoScale,
): Promise<void> {
  faker.seed(20_121_126);
  // Places and placements draw on their own generator, so adding them left the rest of the data as it was.
  const places = new SimpleFaker();
  places.seed(19_890_412);
  const spread = (centre: Point, maxMiles: number) =>
    offset(
      centre,
      places.number.float({ min: 0.3, max: maxMiles, fractionDigits: 2 }),
      places.number.int({ min: 0, max: 359 }),
    );
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
      // North Yorkshire's homes lie north and east of its centre, towards the moors and the coast.
      const at = inLeeds
        ? spread(centreOf(LEEDS), 4)
        : offset(
            centreOf(NORTH_YORKSHIRE),
            places.number.float({ min: 4, max: 18, fractionDigits: 2 }),
            places.number.int({ min: -40, max: 90 }),
          );
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
        latitude: at.lat,
        longitude: at.lon,
        importedAt: now,
      };
    });
    await tx.insert(childrensHome).values(homes).onConflictDoNothing();
    const homeRows = await tx
      .select()
      .from(childrensHome)
      .where(
        inArray(
          childrensHome.urn,
          homes.map((h) => h.urn),
        ),
      );

    const children = Array.from({ length: scale.children }, () => {
      const lookedAfter = faker.datatype.boolean({ probability: 0.6 });
      const leedsChild = faker.datatype.boolean({ probability: 0.75 });
      const sex = faker.helpers.arrayElement(['M', 'F'] as const);
      const home = leedsChild ? spread(centreOf(LEEDS), 5) : spread(centreOf(NORTH_YORKSHIRE), 10);
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
        homeLatitude: home.lat,
        homeLongitude: home.lon,
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

    const leedsChildren = new Set(childRows.filter((c) => c.createdByAgencyId === leeds.id).map((c) => c.id));
    const authorityAgency = (code: string) => (code === LEEDS ? leeds.id : northYorkshire.id);
    const forceAgency = (code: string) => (code === LEEDS ? westYorkshire.id : nyPolice.id);

    // Every looked-after child is placed: most near home, in a home or with foster carers in their
    // own authority; one in FAR_PLACEMENT_EVERY in a home in the other authority over 20 miles
    // away (Leeds children on the North Yorkshire moors and coast, North Yorkshire children in Leeds).
    let farDue = 0;
    const placements: (typeof placement.$inferInsert)[] = [];
    childRows
      .filter((c) => c.lookedAfter && c.responsibleAuthorityCode)
      .forEach((c, n) => {
        const placing = c.responsibleAuthorityCode ?? LEEDS;
        const from = { lat: c.homeLatitude ?? 0, lon: c.homeLongitude ?? 0 };
        const milesTo = (p: Point) => Math.round(milesBetween(from, p) * 10) / 10;
        const started = new Date(now.getTime() - places.number.int({ min: 30, max: 380 }) * DAY);
        const common = {
          childId: c.id,
          placingAuthorityCode: placing,
          startDate: started.toISOString().slice(0, 10),
          createdAt: started,
        };
        const inHome = (h: (typeof homeRows)[number]) => ({
          ...common,
          homeId: h.id,
          postcode: h.postcode,
          latitude: h.latitude,
          longitude: h.longitude,
          placementType: 'K2',
          provider: 'PR4',
          hostAuthorityCode: h.localAuthorityCode,
          distanceFromHomeMiles: milesTo({ lat: h.latitude ?? 0, lon: h.longitude ?? 0 }),
        });
        if (n % FAR_PLACEMENT_EVERY === 0) farDue += 1;
        const far = homeRows.filter(
          (h) =>
            h.localAuthorityCode !== placing && milesTo({ lat: h.latitude ?? 0, lon: h.longitude ?? 0 }) > 20,
        );
        if (farDue > 0 && far.length > 0) {
          // A child with no home far enough away passes the far placement on to the next.
          farDue -= 1;
          placements.push(inHome(places.helpers.arrayElement(far)));
          return;
        }
        const near = homeRows.filter(
          (h) =>
            h.localAuthorityCode === placing &&
            milesTo({ lat: h.latitude ?? 0, lon: h.longitude ?? 0 }) <= 10,
        );
        if (near.length > 0 && places.datatype.boolean({ probability: 0.5 })) {
          placements.push(inHome(places.helpers.arrayElement(near)));
          return;
        }
        const carers = spread(from, 6);
        placements.push({
          ...common,
          homeId: null,
          postcode: postcodeIn(placing === LEEDS ? 'LS' : 'YO', places),
          latitude: carers.lat,
          longitude: carers.lon,
          placementType: places.helpers.arrayElement(['U4', 'U6']),
          provider: places.helpers.arrayElement(['PR1', 'PR4']),
          hostAuthorityCode: placing,
          distanceFromHomeMiles: milesTo(carers),
        });
      });
    const placementRows = [];
    for (let i = 0; i < placements.length; i += 200) {
      placementRows.push(
        ...(await tx
          .insert(placement)
          .values(placements.slice(i, i + 200))
          .returning()),
      );
    }
    const placementOf = new Map(placementRows.map((p) => [p.childId, p]));
    const homeById = new Map(homeRows.map((h) => [h.id, h]));

    // As the placements service grants: the placing and host authorities, the host force and the home.
    const placementAccess = (childId: string) => {
      const p = placementOf.get(childId);
      if (!p) return [];
      const provider = p.homeId ? homeById.get(p.homeId)?.providerAgencyId : null;
      const grant = { childId, sourceId: p.id, validFrom: p.createdAt };
      return [
        { ...grant, agencyId: authorityAgency(p.placingAuthorityCode), basis: 'placing_authority' as const },
        { ...grant, agencyId: authorityAgency(p.hostAuthorityCode), basis: 'host_authority' as const },
        { ...grant, agencyId: forceAgency(p.hostAuthorityCode), basis: 'host_force' as const },
        ...(provider ? [{ ...grant, agencyId: provider, basis: 'home' as const }] : []),
      ];
    };

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
        ...placementAccess(c.id),
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
      const placed = placementOf.get(c.id);
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
        // While placed, the child goes missing from the placement: its force, and its home reports.
        const during = placed && begin.toISOString().slice(0, 10) >= placed.startDate ? placed : null;
        const provider = during?.homeId ? homeById.get(during.homeId)?.providerAgencyId : null;
        episodes.push({
          childId: c.id,
          kind: faker.datatype.boolean({ probability: 0.7 }) ? 'missing' : 'absent',
          startedAt: begin,
          reportedAt: new Date(begin.getTime() + faker.number.int({ min: 15, max: 180 }) * 60_000),
          reportedByAgencyId: provider ?? (inLeeds ? leeds.id : northYorkshire.id),
          lastSeenLocation: faker.helpers.arrayElement([
            'The home',
            'School',
            'Town centre',
            'Bus station',
            'A friend’s house',
          ]),
          policeForceCode: during
            ? (findLocalAuthority(during.hostAuthorityCode)?.policeForceCode ?? null)
            : inLeeds
              ? 'E23000010'
              : 'E23000009',
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

    await seedEpisodePlaces(
      tx,
      episodeRows,
      (e) => (e.policeForceCode === 'E23000009' ? NORTH_YORKSHIRE : LEEDS),
      now,
    );
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
        const inLeeds = leedsChildren.has(e.childId);
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

    // Philomena profiles for the children who go missing most, drawn last so nothing above changes.
    // Phone numbers are from Ofcom's range kept for drama (07700 900000 to 900999).
    const profiled = childRows.filter((_, i) => i % 10 === 0);
    const profiles = new SimpleFaker();
    profiles.seed(20_260_301);
    const pick = <T>(list: readonly T[]): T =>
      list[profiles.number.int({ min: 0, max: list.length - 1 })] as T;
    await tx.insert(childProfile).values(
      profiled.map((c) => ({
        childId: c.id,
        height: `${profiles.number.int({ min: 140, max: 185 })} cm`,
        build: pick(['Slim', 'Medium', 'Stocky', 'Tall and thin']),
        hair: pick([
          'Dark brown, short',
          'Blonde, long, often tied back',
          'Black, curly',
          'Ginger, shoulder length',
        ]),
        eyes: pick(['Brown', 'Blue', 'Green', 'Hazel']),
        distinguishingFeatures: pick([
          null,
          'Small scar above left eyebrow',
          'Pierced ears',
          'Wears glasses',
        ]),
        usualClothing: pick([
          'Black hoodie and grey joggers',
          'Puffer jacket and trainers',
          'School uniform in the day',
        ]),
        healthNeeds: pick([null, 'Asthma', 'Type 1 diabetes: needs insulin daily', 'ADHD']),
        medication: pick([null, 'Inhaler, carries it', 'Insulin pen and glucose tablets']),
        money: pick([
          'Bank card with a small allowance',
          'No card; cash from friends',
          'Unknown source of new clothes',
        ]),
        transport: pick(['Bus pass', 'Walks or gets lifts', 'Train to the coast with older friends']),
        updatedAt: c.createdAt,
      })),
    );
    const profilePlaces = profiled.map((c) => {
      const home =
        c.homeLatitude !== null && c.homeLongitude !== null
          ? { lat: c.homeLatitude, lon: c.homeLongitude }
          : centreOf(LEEDS);
      const at = offset(
        home,
        profiles.number.float({ min: 0.5, max: 6, fractionDigits: 2 }),
        profiles.number.int({ min: 0, max: 359 }),
      );
      return {
        name: pick([
          'Bus station',
          'Shopping centre food court',
          'Takeaway on the high street',
          'Park by the river',
          'Amusement arcade',
        ]),
        latitude: at.lat,
        longitude: at.lon,
        coordinatesSource: 'user' as const,
        createdAt: c.createdAt,
      };
    });
    const placeRows = await tx
      .insert(location)
      .values(profilePlaces)
      .returning({ id: location.id, name: location.name });
    await tx.insert(childProfileEntry).values(
      profiled.flatMap((c, i) => [
        {
          childId: c.id,
          kind: 'phone' as const,
          value: `+447700900${String(profiles.number.int({ min: 0, max: 999 })).padStart(3, '0')}`,
          detail: 'Own phone',
          createdAt: c.createdAt,
        },
        {
          childId: c.id,
          kind: 'social_media' as const,
          value: `@${c.givenName.toLowerCase()}${profiles.number.int({ min: 10, max: 99 })}`,
          detail: pick(['Snapchat', 'Instagram', 'TikTok']),
          createdAt: c.createdAt,
        },
        {
          childId: c.id,
          kind: 'associate' as const,
          value: faker.person.fullName(),
          detail: pick(['Friend from school', 'Older friend', 'Cousin', 'Ex-partner of a carer']),
          createdAt: c.createdAt,
        },
        {
          childId: c.id,
          kind: 'place' as const,
          value: placeRows[i]?.name ?? 'Bus station',
          locationId: placeRows[i]?.id ?? null,
          createdAt: c.createdAt,
        },
      ]),
    );

    // Some work already allocated (two of the force's open episodes to the coordinator and the rest to
    // the unit; a few interviews and children), so "my work" and the team queues have something in them.
    const users = await tx.select({ id: appUser.id, email: appUser.email }).from(appUser);
    const teams = await tx.select({ id: team.id, name: team.name }).from(team);
    const userId = (email: string) => users.find((u) => u.email === email)?.id;
    const teamId = (name: string) => teams.find((t) => t.name === name)?.id;
    const allocations: (typeof allocation.$inferInsert)[] = [];
    /** The first `toWorker` items to the worker within the team; the rest wait in the team's queue. */
    const allocate = (
      subjectType: AllocationSubject,
      items: { id: string; childId: string }[],
      agencyId: string,
      to: { worker: string; team: string; toWorker: number; upTo?: number },
    ) => {
      const worker = userId(to.worker);
      const inTeam = teamId(to.team);
      if (!worker || !inTeam) return;
      items.slice(0, to.upTo).forEach((x, i) => {
        allocations.push({
          subjectType,
          subjectId: x.id,
          childId: x.childId,
          agencyId,
          userId: i < to.toWorker ? worker : null,
          teamId: inTeam,
          allocatedByUserId: worker,
          allocatedAt: now,
        });
      });
    };
    const openInWestYorkshire = episodeRows.filter(
      (e) => e.endedAt === null && e.policeForceCode === 'E23000010',
    );
    allocate('episode', openInWestYorkshire, westYorkshire.id, {
      worker: 'coordinator@lantern.invalid',
      team: 'Missing persons unit',
      toWorker: 2,
    });
    const interviewRows = await tx
      .select({ id: returnInterview.id, childId: returnInterview.childId })
      .from(returnInterview)
      .where(
        and(
          eq(returnInterview.assignedAgencyId, returnService.id),
          inArray(returnInterview.status, ['due', 'offered']),
        ),
      )
      .orderBy(asc(returnInterview.dueAt));
    allocate('return_interview', interviewRows, returnService.id, {
      worker: 'return.worker@lantern.invalid',
      team: 'Return interviews',
      toWorker: 5,
      upTo: 8,
    });
    const leedsLookedAfter = childRows
      .filter((c) => c.responsibleAuthorityCode === LEEDS)
      .map((c) => ({ id: c.id, childId: c.id }));
    allocate('child', leedsLookedAfter, leeds.id, {
      worker: 'missing.lead@lantern.invalid',
      team: 'Missing and return team',
      toWorker: 8,
      upTo: 14,
    });
    if (allocations.length) await tx.insert(allocation).values(allocations);
    await seedDemoIntelligence(tx, now);
    await seedDemoCareEpisodes(tx, childRows, placementRows, now);
    await seedDemoAdvocacy(tx, childRows, now);
    await seedDemoJustice(tx, childRows, now);
    await seedDemoTraining(tx, now);

    await recordAudit(tx, systemContext(clock, 'seed'), { action: 'seed.demo-records', subjectType: 'demo' });
  });
}
