import { z } from 'zod';
import { findPoliceForce } from '../../platform/agencies/reference-data';
import { blankToUndefined } from '../../platform/http/forms';
import { correctionReason } from '../children/schemas';
import { postcode } from '../locations/schemas';
import { episodeKinds, riskGrades } from './tables';

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .transform((v) => (v ? v : undefined))
    .optional();

const instant = (message: string) =>
  z.coerce.date({ error: message }).refine((d) => !Number.isNaN(d.getTime()), message);

export const reportEpisode = z.object({
  kind: z.enum(episodeKinds, { error: 'Select whether the child is missing or absent' }),
  startedAt: instant('Enter when the child was last seen'),
  lastSeenLocation: optionalText(300, 'Where the child was last seen'),
  lastSeenPostcode: z.preprocess(blankToUndefined, postcode().optional()),
  circumstances: optionalText(4000, 'Circumstances'),
  clothing: optionalText(1000, 'Clothing'),
  possiblyWith: optionalText(1000, 'Who the child may be with'),
  policeReference: optionalText(40, 'Police reference'),
  policeForceCode: z
    .string({ error: 'Select the police force for the area the child went missing from' })
    .refine(
      (c) => Boolean(findPoliceForce(c)),
      'Select the police force for the area the child went missing from',
    ),
  searchedBeforeReporting: z.boolean().optional(),
  calledChild: z.boolean().optional(),
  contactedFriendsFamily: z.boolean().optional(),
});
export type ReportEpisode = z.infer<typeof reportEpisode>;

export const gradeEpisode = z.object({
  grade: z.enum(riskGrades, { error: 'Select the risk grade' }),
  rationale: z
    .string({ error: 'Enter the reason for the grade' })
    .trim()
    .min(1, 'Enter the reason for the grade')
    .max(4000, 'The reason must be 4,000 characters or fewer'),
  nextReviewAt: instant('Enter when the grade is next reviewed').optional(),
});
export type GradeEpisode = z.infer<typeof gradeEpisode>;

export const closeEpisode = z.object({
  endedAt: instant('Enter when the child was found or returned'),
  foundLocation: optionalText(300, 'Where the child was found'),
  foundPostcode: z.preprocess(blankToUndefined, postcode().optional()),
  foundWith: optionalText(1000, 'Who the child was with'),
  returnedTo: optionalText(300, 'Where the child returned to'),
  preventionInterviewAt: instant('Enter when the prevention interview took place').optional(),
  preventionInterviewNotes: optionalText(4000, 'Prevention interview notes'),
});
export type CloseEpisode = z.infer<typeof closeEpisode>;

export const changeKind = z.object({
  kind: z.enum(episodeKinds, { error: 'Select missing or absent' }),
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why the kind is changing')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});

export const gradeNames: Record<(typeof riskGrades)[number], string> = {
  no_apparent_risk: 'No apparent risk',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

export const kindNames: Record<(typeof episodeKinds)[number], string> = {
  missing: 'Missing',
  absent: 'Absent (away without authorisation)',
};

/** The details of an episode that may be corrected, with their names on the page. */
export const correctableFields = {
  lastSeenLocation: 'Where the child was last seen',
  circumstances: 'Circumstances',
  clothing: 'Clothing',
  possiblyWith: 'Who the child may be with',
  policeReference: 'Police reference',
  foundLocation: 'Where the child was found',
  foundWith: 'Who the child was found with',
  returnedTo: 'Where the child returned to',
} as const;

export const correctEpisode = z.object({
  field: z.enum(Object.keys(correctableFields) as [keyof typeof correctableFields], {
    error: 'Select the detail to correct',
  }),
  value: optionalText(4000, 'The corrected value'),
  reason: correctionReason,
});
