import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { latitude, longitude, postcode } from '../locations/schemas';
import { codeList, ethnicityCodes, legalStatusCodes, sexCodes } from './codes';
import { type ChildCorrectableField, childCorrectableFields } from './tables';

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : undefined));

const name = (label: string) =>
  z
    .string({ error: `Enter the child’s ${label}` })
    .trim()
    .min(1, `Enter the child’s ${label}`)
    .max(100, `The ${label} must be 100 characters or fewer`);

/** A date of birth from the three GOV.UK date fields, checked as a real date in the past. */
export const dateOfBirthParts = z
  .object({
    day: z.string().trim().optional(),
    month: z.string().trim().optional(),
    year: z.string().trim().optional(),
  })
  .transform((v, ctx) => {
    if (!v.day && !v.month && !v.year) return undefined;
    const [d, m, y] = [Number(v.day), Number(v.month), Number(v.year)];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (
      !v.day ||
      !v.month ||
      !v.year ||
      !Number.isInteger(d) ||
      !Number.isInteger(m) ||
      !/^\d{4}$/.test(v.year)
    ) {
      ctx.addIssue({ code: 'custom', message: 'Date of birth must include a day, month and year' });
      return z.NEVER;
    }
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      ctx.addIssue({ code: 'custom', message: 'Date of birth must be a real date' });
      return z.NEVER;
    }
    if (date.getTime() > Date.now()) {
      ctx.addIssue({ code: 'custom', message: 'Date of birth must be in the past' });
      return z.NEVER;
    }
    return date.toISOString().slice(0, 10);
  });

export const childDetails = z
  .object({
    givenName: name('first name'),
    familyName: name('last name'),
    dateOfBirth: z.iso.date('Enter the date of birth as a real date, like 2012-03-27').optional(),
    sex: z.enum(codeList(sexCodes), { error: 'Select the child’s sex' }).optional(),
    ethnicity: z.enum(codeList(ethnicityCodes), { error: 'Select an ethnicity from the list' }).optional(),
    lookedAfter: z.boolean().default(false),
    legalStatus: z
      .enum(codeList(legalStatusCodes), { error: 'Select a legal status from the list' })
      .optional(),
    responsibleAuthorityCode: optionalText(9, 'Responsible authority').refine(
      (c) => !c || findLocalAuthority(c),
      {
        message: 'Select the responsible authority from the list',
      },
    ),
    upn: optionalText(13, 'UPN').refine(
      (v) => !v || /^([A-Z][0-9]{11}[0-9A-Z]|UN[1-5])$/.test(v.toUpperCase()),
      {
        message: 'Enter a unique pupil number of 13 characters, like A123456789012, or UN1 to UN5',
      },
    ),
    localAuthorityChildId: optionalText(40, 'Local authority child id'),
    policePersonId: optionalText(40, 'Police person id'),
    homePostcode: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      postcode().optional(),
    ),
    /** Where home is, when known; otherwise looked up from the postcode if a lookup service is set. */
    homeLatitude: latitude,
    homeLongitude: longitude,
    homeAddress: optionalText(300, 'Address'),
    aliases: z
      .array(z.object({ givenName: name('alias first name'), familyName: name('alias last name') }))
      .max(20, 'Record at most 20 other names')
      .default([]),
  })
  .superRefine((v, ctx) => {
    if ((v.homeLatitude === undefined) !== (v.homeLongitude === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.homeLatitude === undefined ? 'homeLatitude' : 'homeLongitude'],
        message: 'Enter both the latitude and the longitude of home, or neither',
      });
    }
    if (v.lookedAfter && !v.responsibleAuthorityCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['responsibleAuthorityCode'],
        message: 'Select the responsible authority of a looked-after child',
      });
    }
    if (!v.lookedAfter && v.legalStatus) {
      ctx.addIssue({
        code: 'custom',
        path: ['legalStatus'],
        message: 'Only a looked-after child has a legal status',
      });
    }
  });
export type ChildDetails = z.infer<typeof childDetails>;
export type NewChild = z.input<typeof childDetails>;

/** Why a record is corrected: kept with the old value in the history. */
export const correctionReason = z
  .string({ error: 'Say why it is corrected' })
  .trim()
  .min(5, 'Say why it is corrected')
  .max(1000, 'The reason must be 1,000 characters or fewer');

/** The name of each correctable detail, as the page and the history show it. */
export const childCorrectableNames: Record<ChildCorrectableField, string> = {
  givenName: 'First name',
  familyName: 'Last name',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  ethnicity: 'Ethnicity',
  upn: 'Unique pupil number',
  localAuthorityChildId: 'Local authority child id',
  policePersonId: 'Police person id',
  legalStatus: 'Legal status',
  lookedAfter: 'Looked after',
  responsibleAuthorityCode: 'Responsible authority',
  homePostcode: 'Home postcode',
  homeAddress: 'Home address',
};

export const isCorrectable = (f: unknown): f is ChildCorrectableField =>
  childCorrectableFields.includes(f as ChildCorrectableField);

/**
 * A correction of one detail: the new value is checked by that detail's own rule from
 * `childDetails`, so a correction accepts exactly what recording the child would.
 */
export const childCorrection = z
  .object({
    field: z.enum(childCorrectableFields, { error: 'Select the detail to correct' }),
    value: z.unknown(),
    reason: correctionReason,
  })
  .superRefine((v, ctx) => {
    if (!isCorrectable(v.field)) return;
    const checked = childDetails.shape[v.field].safeParse(v.value);
    if (!checked.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: checked.error.issues[0]?.message ?? 'Enter the new value',
      });
    }
  })
  .transform((v) => ({
    field: v.field,
    value: childDetails.shape[v.field].parse(v.value) as string | boolean | undefined,
    reason: v.reason,
  }));
export type ChildCorrection = z.input<typeof childCorrection>;

export const childSearch = z.object({
  name: z.string().trim().max(200).optional(),
  dateOfBirth: z.iso.date().optional(),
  identifier: z.string().trim().max(40).optional(),
});
export type ChildSearch = z.infer<typeof childSearch>;

export const childResponse = z.object({
  id: z.uuid(),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: z.string().nullable(),
  sex: z.string().nullable(),
  ethnicity: z.string().nullable(),
  lookedAfter: z.boolean(),
  legalStatus: z.string().nullable(),
  responsibleAuthorityCode: z.string().nullable(),
  upn: z.string().nullable(),
  localAuthorityChildId: z.string().nullable(),
  policePersonId: z.string().nullable(),
  aliases: z.array(z.object({ givenName: z.string(), familyName: z.string() })),
});
