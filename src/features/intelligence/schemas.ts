import { z } from 'zod';
import { blankToUndefined } from '../../platform/http/forms';
import { latitude, longitude, postcode } from '../locations/schemas';
import { normaliseHandle, normalisePhone, normaliseRegistration } from './normalise';
import { handlingCodes, informationGrades, linkSources, linkTypes, placeTypes, sourceGrades } from './tables';

const optionalText = (max: number, message: string) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, message).optional());

const person = z
  .object({
    kind: z.literal('person'),
    givenName: optionalText(100, 'The given name must be 100 characters or fewer'),
    familyName: optionalText(100, 'The family name must be 100 characters or fewer'),
    aliases: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(/[,\n]/)
              .map((a) => a.trim())
              .filter(Boolean)
          : v,
      z.array(z.string().max(100, 'Each other name must be 100 characters or fewer')).max(20).default([]),
    ),
    dateOfBirth: z.preprocess(blankToUndefined, z.iso.date('Enter a real date of birth').optional()),
    approximateAge: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'Enter the age as a number, like 25' })
        .int('Enter the age as a whole number')
        .min(10, 'Enter an age between 10 and 100')
        .max(100, 'Enter an age between 10 and 100')
        .optional(),
    ),
    description: optionalText(2000, 'The description must be 2,000 characters or fewer'),
  })
  .refine((p) => p.givenName || p.familyName || p.aliases.length > 0, {
    message: 'Enter a name, or a name the person is known by',
    path: ['familyName'],
  });

const place = z.object({
  kind: z.literal('location'),
  name: z
    .string({ error: 'Enter an address or the name of the place' })
    .trim()
    .min(1, 'Enter an address or the name of the place')
    .max(300, 'The address or place name must be 300 characters or fewer'),
  placeType: z.enum(placeTypes, { error: 'Select what kind of place it is' }),
  postcode: z.preprocess(blankToUndefined, postcode().optional()),
  latitude,
  longitude,
});

const vehicle = z.object({
  kind: z.literal('vehicle'),
  registration: z
    .string({ error: 'Enter the registration' })
    .trim()
    .min(1, 'Enter the registration')
    .refine(
      (r) => normaliseRegistration(r) !== null,
      'Enter a registration like AB12 CDE, with ? for a character not read',
    ),
  make: optionalText(60, 'The make must be 60 characters or fewer'),
  model: optionalText(60, 'The model must be 60 characters or fewer'),
  colour: optionalText(40, 'The colour must be 40 characters or fewer'),
});

const phone = z.object({
  kind: z.literal('phone'),
  number: z
    .string({ error: 'Enter the phone number' })
    .trim()
    .min(1, 'Enter the phone number')
    .refine((n) => normalisePhone(n) !== null, 'Enter a real phone number, like 07700 900123'),
});

const account = z.object({
  kind: z.literal('account'),
  platform: z
    .string({ error: 'Enter the platform, like Snapchat' })
    .trim()
    .min(1, 'Enter the platform, like Snapchat')
    .max(60, 'The platform must be 60 characters or fewer'),
  handle: z
    .string({ error: 'Enter the handle or user name' })
    .trim()
    .min(1, 'Enter the handle or user name')
    .max(100, 'The handle must be 100 characters or fewer')
    .refine((h) => normaliseHandle(h) !== '', 'Enter the handle or user name'),
});

/** A new entity of any kind. */
export const entityInput = z.discriminatedUnion('kind', [person, place, vehicle, phone, account], {
  error: 'Select what the intelligence is about',
});
export type EntityInput = z.input<typeof entityInput>;

/** The 3x5x2 grading of a piece of intelligence (standards.md). */
export const grading = z
  .object({
    sourceGrade: z.enum(sourceGrades, { error: 'Select how reliable the source is (1, 2 or 3)' }),
    informationGrade: z.enum(informationGrades, { error: 'Select how the source knows it (A to E)' }),
    handlingCode: z.enum(handlingCodes, { error: 'Select the handling code (P or C)' }),
    handlingConditions: optionalText(1000, 'The conditions must be 1,000 characters or fewer'),
  })
  .refine((g) => g.handlingCode !== 'C' || Boolean(g.handlingConditions), {
    message: 'Enter the conditions on sharing it',
    path: ['handlingConditions'],
  });

/** A link from a child (or an entity) to an entity, from a source record. */
export const linkInput = z
  .object({
    childId: z.uuid().optional(),
    fromEntityId: z.uuid().optional(),
    entityId: z.uuid({ error: 'Select who or what the child is linked to' }),
    type: z.enum(linkTypes, { error: 'Select how they are linked' }),
    occurredAt: z.coerce.date({ error: 'Enter when it happened' }),
    sourceType: z.enum(linkSources),
    sourceId: z.uuid(),
  })
  .and(grading)
  .refine((l) => Boolean(l.childId) !== Boolean(l.fromEntityId), {
    message: 'A link starts from a child or from another entity',
    path: ['entityId'],
  });
export type LinkInput = z.input<typeof linkInput>;

export const logInput = z.object({
  childId: z.uuid().optional(),
  summary: z
    .string({ error: 'Enter what was reported' })
    .trim()
    .min(1, 'Enter what was reported')
    .max(4000, 'The summary must be 4,000 characters or fewer'),
  occurredAt: z.coerce.date({ error: 'Enter when it happened' }),
});
export type LogInput = z.input<typeof logInput>;

export const linkTypeNames: Record<(typeof linkTypes)[number], string> = {
  found_at: 'Found at',
  went_missing_from: 'Went missing from',
  seen_with: 'Seen with',
  associates_with: 'Associates with',
  lives_at: 'Lives at',
  uses: 'Uses',
  travelled_in: 'Travelled in',
  contacted_by: 'Contacted by',
};

export const placeTypeNames: Record<(typeof placeTypes)[number], string> = {
  address: 'Address',
  hotel: 'Hotel',
  park: 'Park',
  bus_station: 'Bus station',
  rail_station: 'Railway station',
  takeaway: 'Takeaway',
  car_park: 'Car park',
  shop: 'Shop',
  other: 'Other place',
};

export const entityKindNames = {
  person: 'Person of concern',
  location: 'Place',
  vehicle: 'Vehicle',
  phone: 'Phone',
  account: 'Online account',
} as const;
