import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { blankToUndefined } from '../../platform/http/forms';
import { latitude, longitude, postcode } from '../locations/schemas';

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .transform((v) => (v ? v : undefined))
    .optional();

/** The description and needs on a Philomena profile. Every field is optional; carers fill what they know. */
export const profileDetails = z.object({
  height: optionalText(100, 'Height'),
  build: optionalText(100, 'Build'),
  hair: optionalText(200, 'Hair'),
  eyes: optionalText(100, 'Eyes'),
  distinguishingFeatures: optionalText(1000, 'Distinguishing features'),
  usualClothing: optionalText(1000, 'Usual clothing'),
  languages: optionalText(300, 'Languages'),
  healthNeeds: optionalText(2000, 'Health needs'),
  medication: optionalText(2000, 'Medication'),
  money: optionalText(1000, 'Money'),
  transport: optionalText(1000, 'Transport'),
  otherInformation: optionalText(4000, 'Other information'),
});
export type ProfileDetails = z.input<typeof profileDetails>;
export const profileFields = Object.keys(profileDetails.shape) as (keyof ProfileDetails)[];

/** "What has changed": optional, as carers update descriptions routinely. */
export const profileChangeReason = optionalText(1000, 'What has changed');

/** A phone number, UK by default; kept in international form (+447700900123). */
const phoneNumber = z
  .string({ error: 'Enter the phone number' })
  .trim()
  .min(1, 'Enter the phone number')
  .transform((v, ctx) => {
    const parsed = parsePhoneNumberFromString(v, 'GB');
    if (!parsed?.isPossible()) {
      ctx.addIssue({ code: 'custom', message: 'Enter a real phone number, like 07700 900123' });
      return z.NEVER;
    }
    return parsed.number;
  });

const required = (max: number, label: string, missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `${label} must be ${max} characters or fewer`);

export const profileEntry = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('phone'),
      value: phoneNumber,
      detail: optionalText(300, 'Notes'),
    }),
    z.object({
      kind: z.literal('social_media'),
      value: required(200, 'The username', 'Enter the username or handle'),
      detail: required(100, 'The app or site', 'Enter the app or site, like Snapchat'),
    }),
    z.object({
      kind: z.literal('associate'),
      value: required(200, 'The name', 'Enter the person’s name'),
      detail: optionalText(300, 'How the child knows them'),
    }),
    z.object({
      kind: z.literal('place'),
      value: required(300, 'The place', 'Enter an address or the name of the place'),
      detail: optionalText(300, 'Notes'),
      postcode: z.preprocess(blankToUndefined, postcode().optional()),
      latitude,
      longitude,
    }),
  ])
  .superRefine((v, ctx) => {
    if (v.kind === 'place' && (v.latitude === undefined) !== (v.longitude === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.latitude === undefined ? 'latitude' : 'longitude'],
        message: 'Enter both the latitude and the longitude, or neither',
      });
    }
  });
export type ProfileEntryInput = z.input<typeof profileEntry>;
