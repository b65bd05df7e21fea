import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { blankToUndefined } from '../../platform/http/forms';
import { noticeCategories, priorities } from './tables';

const longText = (max: number, missing: string, label: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`);

export const categoryNames: Record<(typeof noticeCategories)[number], string> = {
  missing: 'Missing',
  sexual_exploitation: 'Sexual exploitation',
  domestic_abuse: 'Domestic abuse',
  substance_misuse: 'Substance misuse',
  assault: 'Assault',
  online_harm: 'Online harm',
  criminal_exploitation: 'Criminal exploitation',
  other: 'Other',
};

export const priorityNames: Record<(typeof priorities)[number], string> = {
  red: 'Red',
  amber: 'Amber',
  green: 'Green',
};

export const raiseNotice = z
  .object({
    childId: z.preprocess(blankToUndefined, z.uuid().optional()),
    unidentifiedDescription: z.preprocess(
      blankToUndefined,
      z.string().trim().max(2000, 'The description must be 2,000 characters or fewer').optional(),
    ),
    categories: z
      .array(z.enum(noticeCategories, { error: 'Select a category from the list' }), {
        error: 'Select at least one category',
      })
      .min(1, 'Select at least one category'),
    whatHappened: longText(8000, 'Say what happened', 'What happened'),
    source: longText(1000, 'Say where the information came from', 'The source'),
    /** The MASH area; worked out from the child's placement or authority when not given. */
    areaAuthorityCode: z.preprocess(
      blankToUndefined,
      z
        .string()
        .refine((c) => Boolean(findLocalAuthority(c)), 'Select the area from the list')
        .optional(),
    ),
  })
  .superRefine((v, ctx) => {
    if (!v.childId && !v.unidentifiedDescription) {
      ctx.addIssue({
        code: 'custom',
        path: ['unidentifiedDescription'],
        message: 'Describe the young person, as they are not yet identified',
      });
    }
  });
export type RaiseNotice = z.input<typeof raiseNotice>;

export const contribution = z.object({
  information: longText(8000, 'Enter what your agency knows', 'The information'),
});

export const prioritise = z.object({
  priority: z.enum(priorities, { error: 'Select a priority' }),
});

export const proposeDecision = z.object({
  outcomeCode: z.string({ error: 'Select a decision' }).trim().min(1, 'Select a decision'),
  rationale: longText(8000, 'Give the reasons for the decision', 'The reasons'),
});
export type ProposeDecision = z.input<typeof proposeDecision>;

export const scheduleDiscussion = z.object({
  scheduledFor: z.coerce.date({ error: 'Enter when the strategy discussion will be held' }),
  venue: longText(300, 'Enter where or how it will meet', 'Where or how'),
  inviteeAgencyIds: z
    .array(z.uuid(), { error: 'Select the agencies invited' })
    .min(2, 'Invite at least two agencies'),
});
export type ScheduleDiscussion = z.input<typeof scheduleDiscussion>;

export const recordDiscussion = z.object({
  heldAt: z.coerce.date({ error: 'Enter when the strategy discussion was held' }),
  attendedAgencyIds: z.array(z.uuid()).min(1, 'Select the agencies that attended'),
  informationShared: longText(8000, 'Enter the information shared', 'The information shared'),
  decisions: longText(8000, 'Enter what was decided', 'The decisions'),
});
export type RecordDiscussion = z.input<typeof recordDiscussion>;

export const newAction = z.object({
  description: longText(1000, 'Describe the action', 'The action'),
  ownerAgencyId: z.uuid({ error: 'Select the agency that owns the action' }),
  ownerName: longText(200, 'Enter the name of the person who owns the action', 'The owner’s name'),
  dueOn: z.iso.date({ error: 'Enter the date the action is due' }),
});
export type NewAction = z.input<typeof newAction>;
