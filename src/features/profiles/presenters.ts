import { formatDateTime } from '../../platform/views/filters';
import type { EpisodeRow } from '../episodes/episodes.repository';
import { kindNames } from '../episodes/schemas';
import type { Profile, ProfileEntryView } from './profiles.service';
import type { ProfileDetails } from './schemas';
import type { ProfileEntryKind } from './tables';

/** The kinds of entry as they appear in addresses and on pages. */
export const entryKinds = {
  phones: {
    kind: 'phone',
    heading: 'Phones',
    add: 'Add a phone',
    valueLabel: 'Phone number',
    valueHint: 'A mobile or landline the child uses, like 07700 900123',
    detailLabel: 'Notes (optional)',
    detailHint: 'For example, whose phone it is or when it was last used',
  },
  accounts: {
    kind: 'social_media',
    heading: 'Online accounts',
    add: 'Add an online account',
    valueLabel: 'Username or handle',
    valueHint: 'As it appears in the app, like @example',
    detailLabel: 'App or site',
    detailHint: 'For example, Snapchat, Instagram, TikTok',
  },
  people: {
    kind: 'associate',
    heading: 'People the child may be with',
    add: 'Add a person',
    valueLabel: 'Name',
    valueHint: 'Their name or the name the child uses for them',
    detailLabel: 'How the child knows them (optional)',
    detailHint: 'For example, friend from school, older boyfriend, cousin',
  },
  places: {
    kind: 'place',
    heading: 'Places the child goes',
    add: 'Add a place',
    valueLabel: 'Address or name of the place',
    valueHint: 'For example, Kirkgate Market, the bus station, a friend’s flat on Park Road',
    detailLabel: 'Notes (optional)',
    detailHint: 'When they go there and who with',
  },
} as const satisfies Record<
  string,
  {
    kind: ProfileEntryKind;
    heading: string;
    add: string;
    valueLabel: string;
    valueHint: string;
    detailLabel: string;
    detailHint: string;
  }
>;
export type EntrySlug = keyof typeof entryKinds;
export const isEntrySlug = (s: string): s is EntrySlug => s in entryKinds;

const orNone = (v: string | null | undefined) => (v ? v : 'Not recorded');
const row = (key: string, value: string | null | undefined) => ({
  key: { text: key },
  value: { text: orNone(value) },
});

/** The name of each field of the description and needs, on the profile and in its history. */
export const profileFieldNames: Record<keyof ProfileDetails, string> = {
  height: 'Height',
  build: 'Build',
  hair: 'Hair',
  eyes: 'Eyes',
  distinguishingFeatures: 'Distinguishing features',
  usualClothing: 'Usual clothing',
  languages: 'Languages',
  healthNeeds: 'Health needs',
  medication: 'Medication',
  money: 'Money',
  transport: 'Transport',
  otherInformation: 'Other information',
};
const rowsOf = (p: Profile, fields: (keyof ProfileDetails)[]) =>
  fields.map((f) => row(profileFieldNames[f], p.details?.[f]));

export function descriptionRows(p: Profile) {
  return rowsOf(p, [
    'height',
    'build',
    'hair',
    'eyes',
    'distinguishingFeatures',
    'usualClothing',
    'languages',
  ]);
}

export function healthRows(p: Profile) {
  return rowsOf(p, ['healthNeeds', 'medication']);
}

export function moneyRows(p: Profile) {
  return rowsOf(p, ['money', 'transport', 'otherInformation']);
}

/** "Changes to the profile": when, which field, was, now, who with their agency, and why if given. */
export function profileChangeRows(
  rows: {
    change: {
      field: string;
      oldValue: string | null;
      newValue: string | null;
      reason: string | null;
      changedAt: Date;
    };
    by: string | null;
    agency: string | null;
  }[],
) {
  return rows.map(({ change: c, by, agency }) => [
    { text: formatDateTime(c.changedAt) },
    { text: profileFieldNames[c.field as keyof ProfileDetails] ?? c.field },
    { text: orNone(c.oldValue) },
    { text: orNone(c.newValue) },
    { text: [by, agency].filter(Boolean).join(', ') || 'Not recorded' },
    { text: c.reason ?? '' },
  ]);
}

/** Phone numbers in the form people dial them. */
export function displayValue(e: ProfileEntryView): string {
  if (e.kind === 'phone' && e.value.startsWith('+44')) {
    const national = `0${e.value.slice(3)}`;
    return national.length === 11 ? `${national.slice(0, 5)} ${national.slice(5)}` : national;
  }
  return e.value;
}

export function entryCells(e: ProfileEntryView) {
  const where =
    e.kind === 'place'
      ? [e.postcode, e.latitude !== null ? `${e.latitude.toFixed(4)}, ${e.longitude?.toFixed(4)}` : null]
          .filter(Boolean)
          .join(' · ')
      : '';
  return {
    value: displayValue(e),
    detail: e.detail ?? '',
    where,
  };
}

/** What the printed sheet says of the child's missing history. */
export function missingHistory(history: {
  recent: EpisodeRow[];
  total: number;
  missingLastYear: number;
  absentLastYear: number;
}) {
  return {
    total: history.total,
    missingLastYear: history.missingLastYear,
    absentLastYear: history.absentLastYear,
    recent: history.recent.map((e) => [
      { text: formatDateTime(e.startedAt) },
      { text: kindNames[e.kind] },
      { text: orNone(e.lastSeenLocation) },
      {
        text: e.endedAt
          ? [e.foundLocation, e.foundWith ? `with ${e.foundWith}` : null].filter(Boolean).join(', ') ||
            'Not recorded'
          : 'Still open',
      },
    ]),
  };
}
