import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { blankToUndefined } from '../../platform/http/forms';

/** A UK postcode as a person types it, checked and normalised ("ls14dy" → "LS1 4DY"). */
export const postcode = (message = 'Enter a real postcode, like LS1 4DY') =>
  z
    .string()
    .trim()
    .refine((p) => isValidPostcode(p), message)
    .transform((p) => toNormalised(p) ?? p.toUpperCase());

/** Coordinates in Great Britain and Northern Ireland, as decimal degrees. */
export const latitude = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ error: 'Enter the latitude as a number, like 53.7997' })
    .min(49.8, 'Enter a latitude in the UK, between 49.8 and 60.9')
    .max(60.9, 'Enter a latitude in the UK, between 49.8 and 60.9')
    .optional(),
);
export const longitude = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ error: 'Enter the longitude as a number, like -1.5491' })
    .min(-8.7, 'Enter a longitude in the UK, between -8.7 and 1.8')
    .max(1.8, 'Enter a longitude in the UK, between -8.7 and 1.8')
    .optional(),
);

/** A place: an address or place name, a postcode if known, coordinates if the user has them. */
export const locationInput = z
  .object({
    name: z
      .string({ error: 'Enter an address or the name of the place' })
      .trim()
      .min(1, 'Enter an address or the name of the place')
      .max(300, 'The address or place name must be 300 characters or fewer'),
    postcode: z.preprocess(blankToUndefined, postcode().optional()),
    latitude,
    longitude,
  })
  .superRefine((v, ctx) => {
    if ((v.latitude === undefined) !== (v.longitude === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.latitude === undefined ? 'latitude' : 'longitude'],
        message: 'Enter both the latitude and the longitude, or neither',
      });
    }
  });
export type LocationInput = z.input<typeof locationInput>;
