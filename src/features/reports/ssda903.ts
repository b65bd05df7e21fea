import { periodsOverlap } from './care-episodes.service';

/** The exact header rows by which SSDA903 files are recognised (standards.md). */
export const ssda903Headers = {
  Header: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
  Episodes: [
    'CHILD',
    'DECOM',
    'RNE',
    'LS',
    'CIN',
    'PLACE',
    'PLACE_PROVIDER',
    'DEC',
    'REC',
    'REASON_PLACE_CHANGE',
    'HOME_POST',
    'PL_POST',
    'URN',
  ],
  Missing: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
} as const;
export type Ssda903Table = keyof typeof ssda903Headers;
export const ssda903Tables = Object.keys(ssda903Headers) as Ssda903Table[];

export const ethnicCodes = [
  'WBRI',
  'WIRI',
  'WOTH',
  'WIRT',
  'WROM',
  'MWBC',
  'MWBA',
  'MWAS',
  'MOTH',
  'AIND',
  'APKN',
  'ABAN',
  'AOTH',
  'BCRB',
  'BAFR',
  'BOTH',
  'CHNE',
  'OOTH',
  'REFU',
  'NOBT',
];
/** Placement types for which no provider is given. */
const noProvider = /^(T[0-4]|Z1[1-4])$/;

export interface Ssda903Child {
  id: string;
  name: string;
  laChildId: string | null;
  sex: string | null;
  dateOfBirth: string | null;
  ethnicity: string | null;
  upn: string | null;
  mother: boolean | null;
  motherChildDateOfBirth: string | null;
  homePostcode: string | null;
}
export interface Ssda903CareEpisode {
  id: string;
  childId: string;
  startedOn: string;
  endedOn: string | null;
  reasonNewEpisode: string;
  legalStatus: string;
  categoryOfNeed: string;
  reasonCeased: string | null;
  reasonPlaceChange: string | null;
}
export interface Ssda903Placement {
  id: string;
  childId: string;
  startDate: string;
  endDate: string | null;
  placementType: string;
  provider: string | null;
  postcode: string | null;
  urn: string | null;
}
/** A missing or absent episode, with its London calendar dates. */
export interface Ssda903MissingEpisode {
  id: string;
  childId: string;
  kind: 'missing' | 'absent';
  startedOn: string;
  endedOn: string | null;
  /** The latest police grade was high: a search, so the whereabouts were most likely not known. */
  gradedHigh: boolean;
}
export interface Ssda903Problem {
  childId: string;
  child: string;
  name: string;
  message: string;
  href: string;
  fix: string;
}
export interface Ssda903Return {
  year: number;
  from: string;
  to: string;
  rows: Record<Ssda903Table, string[][]>;
  problems: Ssda903Problem[];
}

/** The collection year named YYYY: 1 April YYYY-1 to 31 March YYYY, as ISO dates. */
export function collectionYear(year: number): { from: string; to: string } {
  return { from: `${year - 1}-04-01`, to: `${year}-03-31` };
}

/** `dd/mm/yyyy` from an ISO date; blank for none. */
export function ukDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/**
 * SSDA903's CHILD: the authority's own id for the child (la_child_id) or, when it has none, the
 * first twelve hexadecimal digits of Lantern's id for the child in capitals, which never change.
 */
export function childIdentifier(c: Pick<Ssda903Child, 'id' | 'laChildId'>): string {
  return c.laChildId?.trim() || c.id.replace(/-/g, '').slice(0, 12).toUpperCase();
}

const upnPattern = /^([A-Z]\d{11}[0-9A-Z]|UN[1-5])$/;
/** The later of two ISO dates (strings, so not Math.max). */
const laterOf = (a: string, b: string) => (a.localeCompare(b) > 0 ? a : b);
const minDate = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * The three SSDA903 tables of a collection year and the problems that would make them wrong. An
 * Episodes row is the part of a care episode spent in one placement within the year: a new row
 * when the legal status (a new care episode) or the placement changes. A Missing row is a missing
 * or absent episode that starts inside a care episode and falls in the year (or is still open
 * from before); it ends when the care episode ends. Episodes before the child first came into care
 * are not part of the return.
 */
export function buildSsda903(input: {
  year: number;
  children: Ssda903Child[];
  careEpisodes: Ssda903CareEpisode[];
  placements: Ssda903Placement[];
  missing: Ssda903MissingEpisode[];
}): Ssda903Return {
  const { from, to } = collectionYear(input.year);
  const rows: Record<Ssda903Table, string[][]> = { Header: [], Episodes: [], Missing: [] };
  const problems: Ssda903Problem[] = [];
  const group = <T extends { childId: string }>(items: T[]) => {
    const out = new Map<string, T[]>();
    for (const i of items) out.set(i.childId, [...(out.get(i.childId) ?? []), i]);
    return out;
  };
  const careOf = group(input.careEpisodes);
  const placementsOf = group(input.placements);
  const missingOf = group(input.missing);
  const children = [...input.children].sort((a, b) => childIdentifier(a).localeCompare(childIdentifier(b)));

  for (const c of children) {
    const id = childIdentifier(c);
    const problem = (message: string, href: string, fix: string) =>
      problems.push({ childId: c.id, child: id, name: c.name, message, href, fix });
    const careLink = `/children/${c.id}/care-episodes`;
    const cares = (careOf.get(c.id) ?? []).sort((a, b) => a.startedOn.localeCompare(b.startedOn));
    const inYear = cares.filter((e) => e.startedOn <= to && (e.endedOn === null || e.endedOn >= from));
    if (inYear.length === 0) continue;

    for (let i = 1; i < cares.length; i += 1) {
      const [a, b] = [cares[i - 1], cares[i]];
      if (a && b && periodsOverlap(a, b)) {
        problem(
          `Care episodes from ${ukDate(a.startedOn)} and ${ukDate(b.startedOn)} overlap`,
          careLink,
          'Correct the care episodes',
        );
      }
    }

    const placements = (placementsOf.get(c.id) ?? []).sort((a, b) => a.startDate.localeCompare(b.startDate));
    for (const ce of inYear) {
      const ceEnd = ce.endedOn;
      const during = placements.filter(
        (p) => p.startDate <= (ceEnd ?? '9999-12-31') && (p.endDate === null || p.endDate >= ce.startedOn),
      );
      const segments = during
        .map((p) => ({
          p,
          start: laterOf(p.startDate, ce.startedOn),
          end: minDate(p.endDate, ceEnd),
        }))
        .filter((s) => s.start !== s.end || ce.startedOn === ceEnd);
      if (segments.length === 0) {
        problem(
          `No placement is recorded for the care episode from ${ukDate(ce.startedOn)}`,
          `/children/${c.id}/placements/new`,
          'Record the placement',
        );
        continue;
      }
      if ((segments[0]?.start ?? '') > ce.startedOn) {
        problem(
          `No placement is recorded from ${ukDate(ce.startedOn)}, when the care episode started, to ${ukDate(segments[0]?.start)}`,
          `/children/${c.id}/placements/new`,
          'Record the placement',
        );
      }
      segments.forEach((s, n) => {
        if (s.start > to || (s.end !== null && s.end < from)) return;
        const last = n === segments.length - 1;
        const closed = s.end !== null && s.end <= to;
        const rec = !closed ? '' : last ? (ce.reasonCeased ?? '') : 'X1';
        if (closed && !last) {
          problem(
            `The placement changed on ${ukDate(s.end)} without a reason for the change`,
            careLink,
            'End the care episode that day (X1, with the reason) and record a new one (RNE P)',
          );
        }
        if (last && closed && ceEnd === null) {
          problem(
            `The placement ended on ${ukDate(s.end)} but the care episode is still open`,
            careLink,
            'End the care episode or record the next placement',
          );
        }
        rows.Episodes.push([
          id,
          ukDate(s.start),
          n === 0 ? ce.reasonNewEpisode : 'P',
          ce.legalStatus,
          ce.categoryOfNeed,
          s.p.placementType,
          noProvider.test(s.p.placementType) ? '' : (s.p.provider ?? ''),
          closed ? ukDate(s.end) : '',
          rec,
          rec === 'X1' && last ? (ce.reasonPlaceChange ?? '') : '',
          c.homePostcode ?? '',
          s.p.postcode ?? '',
          s.p.urn ?? 'XXXXXXX',
        ]);
        if (!s.p.postcode)
          problem('The placement has no postcode', `/children/${c.id}`, 'Correct the placement');
      });
    }

    const newSex = input.year >= 2025;
    const sex = c.sex === null ? '' : newSex ? c.sex : c.sex === 'M' ? '1' : c.sex === 'F' ? '2' : '';
    if (!sex)
      problem(
        'Sex is not recorded in a form the return takes',
        `/children/${c.id}/correct`,
        'Correct the child’s record',
      );
    if (!c.dateOfBirth)
      problem('The date of birth is missing', `/children/${c.id}/correct`, 'Correct the child’s record');
    const ethnic = c.ethnicity && ethnicCodes.includes(c.ethnicity) ? c.ethnicity : '';
    if (!ethnic)
      problem('The ethnicity code is missing', `/children/${c.id}/correct`, 'Correct the child’s record');
    if (!c.upn || !upnPattern.test(c.upn)) {
      problem(
        'The UPN (or a UN1–UN5 code) is missing or not in the right form',
        `/children/${c.id}/correct`,
        'Correct the child’s record',
      );
    }
    if (!c.homePostcode)
      problem('The home postcode is missing', `/children/${c.id}/correct`, 'Correct the child’s record');
    const mother = c.sex === 'F' && c.mother !== null ? (c.mother ? '1' : '0') : '';
    rows.Header.push([
      id,
      sex,
      ukDate(c.dateOfBirth),
      ethnic,
      c.upn ?? '',
      mother,
      mother === '1' ? ukDate(c.motherChildDateOfBirth) : '',
    ]);

    const firstCare = cares[0]?.startedOn ?? '9999-12-31';
    const periods: { start: string; end: string | null; row: string[] }[] = [];
    for (const m of (missingOf.get(c.id) ?? []).sort((a, b) => a.startedOn.localeCompare(b.startedOn))) {
      const episodeLink = `/episodes/${m.id}`;
      if (m.kind === 'absent' && m.gradedHigh) {
        problem(
          `The away (absent) episode from ${ukDate(m.startedOn)} was graded high risk, so the whereabouts were probably not known`,
          episodeLink,
          'Check the kind, and change it to missing if the whereabouts were not known',
        );
      }
      const ce = cares.find(
        (e) => e.startedOn <= m.startedOn && (e.endedOn === null || m.startedOn <= e.endedOn),
      );
      if (!ce) {
        if (m.startedOn >= firstCare && m.startedOn <= to) {
          problem(
            `The ${m.kind === 'missing' ? 'missing' : 'away'} episode from ${ukDate(m.startedOn)} is outside any care episode`,
            episodeLink,
            'Check its dates, or the care episodes',
          );
        }
        continue;
      }
      let end = m.endedOn;
      if (ce.endedOn !== null && (end === null || end > ce.endedOn)) {
        if (end === null) {
          problem(
            `The ${m.kind === 'missing' ? 'missing' : 'away'} episode from ${ukDate(m.startedOn)} is still open though the care episode ended`,
            episodeLink,
            'Record when the child was found or returned',
          );
        }
        end = ce.endedOn;
      }
      if (m.startedOn > to || (end !== null && end < from)) continue;
      if (c.dateOfBirth && m.startedOn < c.dateOfBirth) {
        problem(
          `The episode from ${ukDate(m.startedOn)} starts before the date of birth`,
          episodeLink,
          'Check its dates',
        );
      }
      periods.push({
        start: m.startedOn,
        end,
        row: [
          id,
          ukDate(c.dateOfBirth),
          m.kind === 'missing' ? 'M' : 'A',
          ukDate(m.startedOn),
          end !== null && end <= to ? ukDate(end) : '',
        ],
      });
    }
    for (let i = 1; i < periods.length; i += 1) {
      const [a, b] = [periods[i - 1], periods[i]];
      if (a && b && (a.end === null || b.start < a.end)) {
        problem(
          `Missing periods from ${ukDate(a.start)} and ${ukDate(b.start)} overlap`,
          `/children/${c.id}`,
          'Check the episodes’ dates',
        );
      }
    }
    rows.Missing.push(...periods.map((p) => p.row));
  }
  return { year: input.year, from, to, rows, problems };
}
