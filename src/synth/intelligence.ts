import { base, en, en_GB, Faker } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import {
  normaliseHandle,
  normalisePhone,
  normaliseRegistration,
  personNameCodes,
} from '../features/intelligence/normalise';
import { intelEntity, intelLink, type LinkType, type PlaceType } from '../features/intelligence/tables';
import { h3CellOf } from '../features/locations/locations.service';
import { location } from '../features/locations/tables';
import { findLocalAuthority } from '../platform/agencies/reference-data';
import { BulkLoader } from '../platform/db/bulk';
import type { Database, Tx } from '../platform/db/client';
import type { WithTransaction } from '../platform/db/transaction';
import { prng, uuidFrom } from './random';

/**
 * Synthetic intelligence: the people, places, vehicles, phones and accounts children are linked
 * to, and the links, each from one of the child's own episodes. In each area a few hotspots (hotels,
 * takeaways, car parks) where several children are found; groups of adults, each group linked to
 * several children, sharing vehicles and phones; and most children with no links at all. The
 * children who go missing most are the likeliest to have links, as in life. Every name is invented,
 * every address is on an "Example" street, every phone number is from Ofcom's ranges kept for
 * drama, and every registration starts with Z, which no current-style UK plate does.
 *
 * Deterministic from the seed and the children and episodes it is given, in the order given.
 */

const HOUR = 3_600_000;

/** DESIGN §7: the links of each dataset, and the episodes they are for. */
export const intelligenceScale = {
  demo: { links: 5_000, episodes: 3_000 },
  force: { links: 150_000, episodes: 100_000 },
  national: { links: 2_000_000, episodes: 1_000_000 },
};

/** The links to make for a dataset: its figure, or a share of it for a smaller one (tests). */
const targetFor = (scale: keyof typeof intelligenceScale, episodes: number) =>
  Math.round(intelligenceScale[scale].links * Math.min(1, episodes / intelligenceScale[scale].episodes));

export interface SynthEpisode {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
}

export interface SynthChild {
  id: string;
  episodes: SynthEpisode[];
}

/** An area's children, and the agency (its police force) that records their intelligence. */
export interface SynthArea {
  code: string;
  authorAgencyId: string;
  children: SynthChild[];
}

type LocationRow = typeof location.$inferInsert & { id: string };
type EntityRow = typeof intelEntity.$inferInsert & { id: string };
type LinkRow = typeof intelLink.$inferInsert & { id: string };

export interface IntelligenceRows {
  locations: LocationRow[];
  entities: EntityRow[];
  links: LinkRow[];
}

/**
 * Ofcom's numbers for drama, as E.164: 07700 900000–900999, and 1,000 in each of these
 * geographic and non-geographic ranges. About 20,000 in all; a group gets no phone once they run out.
 */
const dramaRanges = [
  '+447700900',
  '+441134960',
  '+441144960',
  '+441154960',
  '+441164960',
  '+441174960',
  '+441184960',
  '+441214960',
  '+441314960',
  '+441414960',
  '+441514960',
  '+441614960',
  '+442079460',
  '+441914980',
  '+442896496',
  '+442920180',
  '+441632960',
  '+443069990',
  '+448081570',
  '+449098790',
];

const placeKinds: { type: PlaceType; weight: number; name: (street: string, n: number) => string }[] = [
  {
    type: 'hotel',
    weight: 35,
    name: (s, n) =>
      `${['The Central', 'The Station', 'The Park', 'The City', 'The Riverside'][n % 5]} Hotel, ${s}`,
  },
  {
    type: 'takeaway',
    weight: 15,
    name: (s, n) => `${['Pizza', 'Chicken', 'Kebab', 'Chip shop'][n % 4]} takeaway, ${n + 1} ${s}`,
  },
  { type: 'park', weight: 12, name: (s) => `${s} park` },
  { type: 'car_park', weight: 10, name: (s) => `${s} car park` },
  { type: 'bus_station', weight: 8, name: (s) => `Bus station, ${s}` },
  { type: 'rail_station', weight: 5, name: (s) => `Rail station forecourt, ${s}` },
  { type: 'shop', weight: 15, name: (s, n) => `Off-licence, ${n + 1} ${s}` },
];
const streetKinds = [
  'Street',
  'Road',
  'Avenue',
  'Lane',
  'Close',
  'Way',
  'Parade',
  'Terrace',
  'Crescent',
  'Grove',
];
const vehicles = [
  ['Ford', 'Focus'],
  ['Vauxhall', 'Corsa'],
  ['Volkswagen', 'Golf'],
  ['BMW', '3 Series'],
  ['Audi', 'A3'],
  ['Toyota', 'Prius'],
  ['Mercedes-Benz', 'C-Class'],
  ['Nissan', 'Qashqai'],
  ['Seat', 'Leon'],
] as const;
const colours = ['Black', 'Silver', 'White', 'Grey', 'Blue', 'Red'];
const platforms = ['Snapchat', 'Instagram', 'TikTok', 'Telegram'];
/** Letters of the plates after the Z: no I, O or Q, which plates avoid or misread. */
const PLATE = [...'ABCDEFGHJKLMNPRSTVWXY'];

/** Postcode areas for the synthetic postcodes, by authority; built, never looked up. */
const postcodeAreaByAuthority: Record<string, string> = {
  E08000032: 'BD',
  E08000033: 'HX',
  E08000034: 'HD',
  E08000035: 'LS',
  E08000036: 'WF',
  E06000065: 'YO',
  E06000014: 'YO',
};
const postcodeAreas = [
  'M',
  'B',
  'L',
  'S',
  'NE',
  'NG',
  'LE',
  'BS',
  'E',
  'N',
  'SE',
  'CF',
  'SA',
  'PL',
  'OX',
  'CB',
];
const postcodeAreaOf = (code: string) =>
  postcodeAreaByAuthority[code] ??
  postcodeAreas[Number.parseInt(code.slice(-3), 10) % postcodeAreas.length] ??
  'M';

interface Group {
  persons: string[];
  vehicles: string[];
  phones: string[];
  accounts: string[];
  address: string | null;
  favourites: string[];
  children: SynthChild[];
}

/**
 * Makes the intelligence of one area at a time, keeping across areas what must stay unique (plates,
 * numbers, handles) and one random stream, so that the order of areas fixes the data.
 */
export class IntelligenceGenerator {
  private readonly random: () => number;
  private readonly faker: Faker;
  private readonly plates = new Set<string>();
  private phonesUsed = 0;
  private handles = 0;

  constructor(
    seed: number,
    private readonly now: Date,
  ) {
    this.random = prng(seed ^ 0x1e7e_11ce);
    this.faker = new Faker({ locale: [en_GB, en, base] });
    this.faker.seed(seed ^ 0x0fa1_1e7e);
  }

  private uuid(): string {
    return uuidFrom(this.random);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  /** The intelligence of an area whose episodes should carry about `targetLinks` links. */
  area(area: SynthArea, targetLinks: number): IntelligenceRows {
    const rows: IntelligenceRows = { locations: [], entities: [], links: [] };
    const authority = findLocalAuthority(area.code);
    const centre = authority ? { lat: authority.lat, lon: authority.lon } : { lat: 53.8, lon: -1.55 };
    const firstUse = new Map<string, Date>();
    const entityRow = (id: string, kind: EntityRow['kind'], label: string, extra: Partial<EntityRow>) => {
      rows.entities.push({
        id,
        kind,
        label,
        givenName: null,
        familyName: null,
        aliases: null,
        dateOfBirth: null,
        approximateAge: null,
        description: null,
        nameCodes: null,
        locationId: null,
        placeType: null,
        registration: null,
        registrationKey: null,
        registrationPartial: null,
        make: null,
        model: null,
        colour: null,
        phoneE164: null,
        platform: null,
        handle: null,
        handleKey: null,
        createdByUserId: null,
        createdByAgencyId: area.authorAgencyId,
        createdAt: this.now,
        mergedIntoId: null,
        ...extra,
      });
      return id;
    };
    const street = () => `Example ${this.pick(streetKinds)}`;
    const postcode = () =>
      `${postcodeAreaOf(area.code)}${1 + Math.floor(this.random() * 28)} ${1 + Math.floor(this.random() * 9)}${this.pick(PLATE)}${this.pick(PLATE)}`;
    const place = (type: PlaceType, name: string, miles: number) => {
      const distance = 0.2 + this.random() * miles;
      const bearing = this.random() * 2 * Math.PI;
      const lat = Math.round((centre.lat + (distance * Math.cos(bearing)) / 69.05) * 100_000) / 100_000;
      const lon =
        Math.round(
          (centre.lon + (distance * Math.sin(bearing)) / (69.05 * Math.cos((centre.lat * Math.PI) / 180))) *
            100_000,
        ) / 100_000;
      const pc = postcode();
      const locationId = this.uuid();
      rows.locations.push({
        id: locationId,
        name,
        postcode: pc,
        latitude: lat,
        longitude: lon,
        coordinatesSource: 'user',
        localAuthorityCode: area.code,
        h3Cell: h3CellOf(lat, lon),
        createdAt: this.now,
      });
      return entityRow(this.uuid(), 'location', `${name}, ${pc}`, { locationId, placeType: type });
    };
    const person = () => {
      const given = this.faker.person.firstName(this.chance(0.85) ? 'male' : 'female');
      const family = this.faker.person.lastName();
      const aliases = this.chance(0.3) ? [this.faker.person.firstName('male')] : [];
      const dated = this.chance(0.4);
      return entityRow(this.uuid(), 'person', `${given} ${family}`, {
        givenName: given,
        familyName: family,
        aliases,
        dateOfBirth: dated
          ? new Date(this.now.getTime() - (19 + this.random() * 30) * 365.25 * 24 * HOUR)
              .toISOString()
              .slice(0, 10)
          : null,
        approximateAge: dated ? null : 18 + Math.floor(this.random() * 30),
        description: this.chance(0.3)
          ? this.pick([
              'Drives a dark car, waits outside the home',
              'Older man, short dark hair',
              'Known as a "friend" of several girls',
            ])
          : null,
        nameCodes: personNameCodes([given, family, ...aliases]),
      });
    };
    const vehicle = () => {
      let reg = '';
      do {
        const letters = Array.from({ length: 4 }, () => this.pick(PLATE));
        reg = `Z${letters[0]}${String(10 + Math.floor(this.random() * 90))}${letters.slice(1).join('')}`;
      } while (this.plates.has(reg));
      this.plates.add(reg);
      const normal = normaliseRegistration(reg);
      const [make, model] = this.pick(vehicles);
      const colour = this.pick(colours);
      return entityRow(
        this.uuid(),
        'vehicle',
        `${normal?.registration ?? reg} (${colour} ${make} ${model})`,
        {
          registration: normal?.registration ?? reg,
          registrationKey: normal?.key ?? reg,
          make,
          model,
          colour,
        },
      );
    };
    const phone = () => {
      if (this.phonesUsed >= dramaRanges.length * 1_000) return null;
      const n = this.phonesUsed;
      this.phonesUsed += 1;
      const e164 = normalisePhone(
        `${dramaRanges[Math.floor(n / 1_000)]}${String(n % 1_000).padStart(3, '0')}`,
      );
      return e164 ? entityRow(this.uuid(), 'phone', e164, { phoneE164: e164 }) : null;
    };
    const account = () => {
      this.handles += 1;
      const platform = this.pick(platforms);
      const handle = `${this.faker.word.adjective({ length: { min: 3, max: 8 } })}_${this.faker.word.noun({ length: { min: 3, max: 8 } })}${this.handles}`;
      const key = normaliseHandle(handle);
      return entityRow(this.uuid(), 'account', `${platform}: @${key}`, { platform, handle, handleKey: key });
    };

    // Who has links: the likelier the more often a child goes missing; most children have none. In
    // an area where few children go missing often, more of them are drawn (up to three times as
    // likely), so that its links come to about four per linked episode rather than piling up on a few.
    const likelihood = (episodes: number) => Math.min(0.9, 0.1 + 0.03 * episodes);
    const expected = area.children.reduce((s, c) => s + likelihood(c.episodes.length) * c.episodes.length, 0);
    const boost = Math.min(3, Math.max(1, targetLinks / 4 / Math.max(1, expected)));
    const linked = area.children.filter(
      (c) => c.episodes.length > 0 && this.chance(Math.min(0.9, likelihood(c.episodes.length) * boost)),
    );
    if (linked.length === 0) return rows;

    const hotspots: string[] = [];
    const hotspotCount = Math.min(40, 2 + Math.round(linked.length / 25));
    const totalWeight = placeKinds.reduce((s, k) => s + k.weight, 0);
    for (let i = 0; i < hotspotCount; i += 1) {
      const w = this.random() * totalWeight;
      let sum = 0;
      const kind =
        placeKinds.find((k) => {
          sum += k.weight;
          return w < sum;
        }) ?? placeKinds[0];
      if (kind) hotspots.push(place(kind.type, kind.name(`Example ${this.pick(streetKinds)}`, i), 3));
    }

    // Groups of adults, each around several children; some children drawn into two.
    const groups: Group[] = Array.from({ length: Math.max(1, Math.round(linked.length / 6)) }, () => ({
      persons: [],
      vehicles: [],
      phones: [],
      accounts: [],
      address: null,
      favourites: [],
      children: [],
    }));
    for (const c of linked) {
      this.pick(groups).children.push(c);
      if (this.chance(0.15)) this.pick(groups).children.push(c);
    }
    const live = groups.filter((g) => g.children.length > 0);
    for (const g of live) {
      const size = 2 + Math.floor(this.random() * 4);
      for (let i = 0; i < size; i += 1) g.persons.push(person());
      if (this.chance(0.7)) {
        g.vehicles.push(vehicle());
        if (this.chance(0.3)) g.vehicles.push(vehicle());
      }
      for (const n of [1, this.chance(0.3) ? 1 : 0]) {
        if (!n) continue;
        const p = phone();
        if (p) g.phones.push(p);
      }
      if (this.chance(0.5)) g.accounts.push(account());
      if (this.chance(0.6)) {
        g.address = place('address', `Flat ${1 + Math.floor(this.random() * 12)}, ${street()}`, 5);
      }
      g.favourites.push(this.pick(hotspots));
      if (this.chance(0.5)) g.favourites.push(this.pick(hotspots));
    }

    const grade = () => {
      const s = this.random();
      const i = this.random();
      const conditional = this.chance(0.05);
      return {
        sourceGrade: (s < 0.2 ? '1' : s < 0.8 ? '2' : '3') as '1' | '2' | '3',
        informationGrade: (i < 0.15 ? 'A' : i < 0.5 ? 'B' : i < 0.85 ? 'C' : i < 0.95 ? 'D' : 'E') as
          | 'A'
          | 'B'
          | 'C'
          | 'D'
          | 'E',
        handlingCode: (conditional ? 'C' : 'P') as 'C' | 'P',
        handlingConditions: conditional
          ? 'Not to be shared outside the force without the intelligence officer’s agreement'
          : null,
      };
    };
    const recordedAt = (when: Date) =>
      new Date(Math.min(when.getTime() + (2 + this.random() * 46) * HOUR, this.now.getTime()));
    const link = (
      from: { childId: string } | { fromEntityId: string },
      entityId: string,
      type: LinkType,
      occurredAt: Date,
      sourceId: string,
    ) => {
      const createdAt = recordedAt(occurredAt);
      for (const e of ['fromEntityId' in from ? from.fromEntityId : null, entityId]) {
        if (!e) continue;
        const seen = firstUse.get(e);
        if (!seen || seen > createdAt) firstUse.set(e, createdAt);
      }
      rows.links.push({
        id: this.uuid(),
        childId: 'childId' in from ? from.childId : null,
        fromEntityId: 'fromEntityId' in from ? from.fromEntityId : null,
        entityId,
        type,
        occurredAt,
        sourceType: 'episode',
        sourceId,
        ...grade(),
        authorUserId: null,
        authorAgencyId: area.authorAgencyId,
        createdAt,
        enteredInErrorAt: null,
        enteredInErrorReason: null,
      });
    };

    // What the police learnt about each group, from the first episode of one of its children.
    for (const g of live) {
      const first = g.children
        .flatMap((c) => c.episodes)
        .reduce<SynthEpisode | null>((a, e) => (!a || e.startedAt < a.startedAt ? e : a), null);
      if (!first) continue;
      const [main, ...others] = g.persons;
      if (!main) continue;
      const when = first.startedAt;
      for (const o of others) link({ fromEntityId: main }, o, 'associates_with', when, first.id);
      g.phones.forEach((p, i) => {
        link({ fromEntityId: g.persons[i % g.persons.length] ?? main }, p, 'uses', when, first.id);
      });
      for (const v of g.vehicles) link({ fromEntityId: main }, v, 'uses', when, first.id);
      for (const a of g.accounts) link({ fromEntityId: this.pick(g.persons) }, a, 'uses', when, first.id);
      if (g.address) link({ fromEntityId: main }, g.address, 'lives_at', when, first.id);
    }

    // The children's links, from their episodes: where they were found, who with, in what, by whom contacted.
    const groupsOf = new Map<string, Group[]>();
    for (const g of live) for (const c of g.children) groupsOf.set(c.id, [...(groupsOf.get(c.id) ?? []), g]);
    const episodes = linked.reduce((s, c) => s + c.episodes.length, 0);
    const perEpisode = Math.min(8, Math.max(1, (targetLinks - rows.links.length) / episodes));
    const ownPlace = new Map<string, string>();
    for (const c of linked) {
      const mine = groupsOf.get(c.id) ?? [];
      for (const e of c.episodes) {
        const g = this.pick(mine);
        if (!g) continue;
        const count = Math.floor(perEpisode) + (this.chance(perEpisode % 1) ? 1 : 0);
        const during = (share: number) =>
          new Date(
            e.startedAt.getTime() +
              share *
                ((e.endedAt ?? new Date(e.startedAt.getTime() + 6 * HOUR)).getTime() - e.startedAt.getTime()),
          );
        const done = new Set<string>();
        const add = (entityId: string | undefined | null, type: LinkType, when: Date) => {
          if (!entityId || done.has(`${type}:${entityId}`)) return;
          done.add(`${type}:${entityId}`);
          link({ childId: c.id }, entityId, type, when, e.id);
        };
        // A draw that repeats a link already made for the episode is drawn again, a few times at most.
        for (let k = 0; done.size < count && k < count * 3; k += 1) {
          if (k === 0 && e.endedAt) {
            // Where the child was found: the group's flat, a favourite haunt, anywhere busy, or a friend's.
            const r = this.random();
            const at =
              r < 0.35 && g.address
                ? g.address
                : r < 0.7
                  ? this.pick(g.favourites)
                  : r < 0.8
                    ? this.pick(hotspots)
                    : (ownPlace.get(c.id) ??
                      (() => {
                        const p = place('address', `${1 + Math.floor(this.random() * 120)} ${street()}`, 6);
                        ownPlace.set(c.id, p);
                        return p;
                      })());
            add(at, 'found_at', e.endedAt);
            continue;
          }
          const r = this.random();
          if (r < 0.4) add(this.pick(g.persons), 'seen_with', during(this.random()));
          else if (r < 0.6)
            add(
              this.pick(g.phones) ?? this.pick(g.persons),
              g.phones.length ? 'contacted_by' : 'seen_with',
              during(this.random()),
            );
          else if (r < 0.75)
            add(
              this.pick(g.vehicles) ?? this.pick(g.persons),
              g.vehicles.length ? 'travelled_in' : 'seen_with',
              during(this.random()),
            );
          else if (r < 0.85)
            add(
              this.pick(g.accounts) ?? this.pick(g.persons),
              g.accounts.length ? 'contacted_by' : 'seen_with',
              during(this.random()),
            );
          else add(this.pick([...g.favourites, ...hotspots]), 'went_missing_from', e.startedAt);
        }
      }
    }

    // Each entity was first recorded when its first link was; those never linked are not kept.
    rows.entities = rows.entities.filter((e) => firstUse.has(e.id));
    const kept = new Set(rows.entities.map((e) => e.locationId).filter(Boolean));
    rows.locations = rows.locations.filter((l) => kept.has(l.id));
    for (const e of rows.entities) e.createdAt = firstUse.get(e.id) ?? e.createdAt;
    for (const l of rows.locations)
      l.createdAt = rows.entities.find((e) => e.locationId === l.id)?.createdAt ?? l.createdAt;
    return rows;
  }
}

// ---- Reading the children and episodes -------------------------------------------------------------

interface ChildAreaRow {
  id: string;
  area: string | null;
}
interface EpisodeRow {
  id: string;
  child_id: string;
  started_at: Date | string;
  ended_at: Date | string | null;
}

/**
 * The areas of a dataset, from the database: each child in the area of its responsible authority,
 * or of the children's services that recorded it; its episodes (not entered in error) oldest
 * first; and the area's police force as the agency recording the intelligence.
 */
export async function readAreas(tx: Tx, childOrder: 'id' | 'la_child_id'): Promise<SynthArea[]> {
  const children = (
    (await tx.execute(sql`
      select c.id, coalesce(c.responsible_authority_code, a.local_authority_code) as area
        from child c left join agency a on a.id = c.created_by_agency_id
       order by ${sql.raw(childOrder === 'id' ? 'c.id' : 'c.la_child_id, c.family_name, c.given_name, c.id')}`)) as unknown as {
      rows: ChildAreaRow[];
    }
  ).rows;
  const episodes = (
    (await tx.execute(sql`
      select id, child_id, started_at, ended_at from episode
       where entered_in_error_at is null order by child_id, started_at, id`)) as unknown as {
      rows: EpisodeRow[];
    }
  ).rows;
  const agencies = (
    (await tx.execute(sql`
      select id, type, police_force_code, local_authority_code from agency
       where type in ('police_force', 'local_authority') order by created_at, id`)) as unknown as {
      rows: {
        id: string;
        type: string;
        police_force_code: string | null;
        local_authority_code: string | null;
      }[];
    }
  ).rows;
  const episodesOf = new Map<string, SynthEpisode[]>();
  for (const e of episodes) {
    const list = episodesOf.get(e.child_id) ?? [];
    list.push({
      id: e.id,
      startedAt: new Date(e.started_at),
      endedAt: e.ended_at === null ? null : new Date(e.ended_at),
    });
    episodesOf.set(e.child_id, list);
  }
  const forceAgency = new Map<string, string>();
  const laAgency = new Map<string, string>();
  for (const a of agencies) {
    if (a.type === 'police_force' && a.police_force_code && !forceAgency.has(a.police_force_code))
      forceAgency.set(a.police_force_code, a.id);
    if (a.type === 'local_authority' && a.local_authority_code && !laAgency.has(a.local_authority_code))
      laAgency.set(a.local_authority_code, a.id);
  }
  const areas = new Map<string, SynthArea>();
  for (const c of children) {
    if (!c.area) continue;
    let area = areas.get(c.area);
    if (!area) {
      const force = findLocalAuthority(c.area)?.policeForceCode;
      const author = (force ? forceAgency.get(force) : undefined) ?? laAgency.get(c.area);
      if (!author) continue;
      area = { code: c.area, authorAgencyId: author, children: [] };
      areas.set(c.area, area);
    }
    area.children.push({ id: c.id, episodes: episodesOf.get(c.id) ?? [] });
  }
  return [...areas.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}

const episodesIn = (area: SynthArea) => area.children.reduce((s, c) => s + c.episodes.length, 0);

/**
 * The demo's intelligence (about 5,000 links), inside the demo records' transaction. The demo's
 * ids are the database's own, so children are taken in the order of their local authority ids.
 */
export async function seedDemoIntelligence(tx: Tx, now: Date, seed = 20_260_601): Promise<number> {
  const areas = await readAreas(tx, 'la_child_id');
  const all = areas.reduce((s, a) => s + episodesIn(a), 0);
  const target = targetFor('demo', all);
  const generator = new IntelligenceGenerator(seed, now);
  let links = 0;
  for (const area of areas) {
    const rows = generator.area(area, (target * episodesIn(area)) / Math.max(1, all));
    for (let i = 0; i < rows.locations.length; i += 500)
      await tx.insert(location).values(rows.locations.slice(i, i + 500));
    for (let i = 0; i < rows.entities.length; i += 500)
      await tx.insert(intelEntity).values(rows.entities.slice(i, i + 500));
    for (let i = 0; i < rows.links.length; i += 500)
      await tx.insert(intelLink).values(rows.links.slice(i, i + 500));
    links += rows.links.length;
  }
  return links;
}

/**
 * The intelligence of a force or national dataset, loaded with COPY in one transaction: about
 * 150,000 links at force scale and 2,000,000 at national (DESIGN §7). It reads the children and
 * episodes already loaded, so it also adds intelligence to a dataset loaded before it existed.
 * Returns how many links it loaded.
 */
export async function seedScaleIntelligence(
  database: Database,
  withTransaction: WithTransaction,
  scale: 'force' | 'national',
  options: { seed?: number | undefined; now?: Date } = {},
): Promise<number> {
  // Everything is read before the load's transaction opens: PGlite has one connection.
  const areas = await withTransaction((tx) => readAreas(tx, 'id'));
  const all = areas.reduce((s, a) => s + episodesIn(a), 0);
  const target = targetFor(scale, all);
  const generator = new IntelligenceGenerator(options.seed ?? 20_261_126, options.now ?? new Date());
  const loader = await BulkLoader.open(database);
  let links = 0;
  try {
    for (const area of areas) {
      const rows = generator.area(area, (target * episodesIn(area)) / Math.max(1, all));
      await loader.load(location, rows.locations);
      await loader.load(intelEntity, rows.entities);
      await loader.load(intelLink, rows.links);
      links += rows.links.length;
    }
    await loader.commit();
  } catch (error) {
    await loader.rollback();
    throw error;
  }
  return links;
}
