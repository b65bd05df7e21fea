import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { latitude, longitude } from '../locations/schemas';
import { placementProviders, placementTypes } from './tables';

const authority = (message: string) =>
  z.string({ error: message }).refine((c) => Boolean(findLocalAuthority(c)), message);

export const newPlacement = z
  .object({
    homeId: z.uuid().optional(),
    /** Ofsted URN of a registered home, as a person would type it; the service turns it into homeId. */
    homeUrn: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^(SC)?\d{6,7}$/, 'Enter the home’s Ofsted URN, like SC123456')
      .optional(),
    postcode: z
      .string({ error: 'Enter the postcode of the placement' })
      .trim()
      .refine((p) => isValidPostcode(p), 'Enter a real postcode, like LS1 4DY')
      .transform((p) => toNormalised(p) ?? p)
      .optional(),
    latitude,
    longitude,
    placementType: z.enum(placementTypes, { error: 'Select the placement type' }),
    provider: z.enum(placementProviders, { error: 'Select the provider' }).optional(),
    placingAuthorityCode: authority('Select the placing authority'),
    /** Needed when the placement is not a registered home; a home's register row gives it otherwise. */
    hostAuthorityCode: authority('Select the authority where the child is placed').optional(),
    startDate: z.iso.date('Enter the start date as a real date'),
  })
  .superRefine((v, ctx) => {
    if ((v.latitude === undefined) !== (v.longitude === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.latitude === undefined ? 'latitude' : 'longitude'],
        message: 'Enter both the latitude and the longitude, or neither',
      });
    }
    const inHome = Boolean(v.homeId || v.homeUrn);
    if (!inHome && !v.postcode) {
      ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'Enter the postcode of the placement' });
    }
    if (!inHome && !v.hostAuthorityCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostAuthorityCode'],
        message: 'Select the authority where the child is placed',
      });
    }
    const noProvider = ['T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14'].includes(v.placementType);
    if (!noProvider && !v.provider)
      ctx.addIssue({ code: 'custom', path: ['provider'], message: 'Select the provider' });
  });
export type NewPlacement = z.input<typeof newPlacement>;
