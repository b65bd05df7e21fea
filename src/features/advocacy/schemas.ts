import { z } from 'zod';
import { blankToUndefined } from '../../platform/http/forms';
import { advocacyResponses, heardAnswers, meetingKinds } from './tables';

export const meetingKindNames: Record<(typeof meetingKinds)[number], string> = {
  care_review: 'Care review',
  placement_planning: 'Placement planning meeting',
};
export const responseNames: Record<(typeof advocacyResponses)[number], string> = {
  accepted: 'Accepted',
  declined: 'Declined',
  not_answered: 'Not yet answered',
};
export const heardNames: Record<(typeof heardAnswers)[number], string> = {
  yes: 'Yes',
  partly: 'Partly',
  no: 'No',
};

/** Optional free text: blank counts as no answer. */
const optionalText = (max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
      .optional(),
  );

/** The answers the joining rules read; blank text counts as no answer. */
export interface JoinedAnswers {
  meetingOn?: string;
  offered?: boolean;
  offeredOn?: string;
  offeredBy?: string;
  notOfferedReason?: string;
  response?: string;
  advocateName?: string;
  advocateOrganisation?: string;
  childViews?: string;
  heard?: string;
  heardNote?: string;
}

/**
 * The rules that join the answers. The form runs them itself when a single answer is already
 * wrong, since the schema checks them only once every answer is well formed, and a person should
 * see every problem at once.
 */
export function crossFieldIssues(raw: JoinedAnswers, issue: (path: string, message: string) => void): void {
  const given = (x: string | undefined) => (x?.trim() ? x : undefined);
  const v = Object.fromEntries(
    Object.entries(raw).map(([k, x]) => [k, typeof x === 'string' ? given(x) : x]),
  ) as JoinedAnswers;
  if (v.offered === true) {
    if (!v.offeredOn) issue('offeredOn', 'Enter the date advocacy was offered');
    else if (v.meetingOn && v.offeredOn > v.meetingOn)
      issue(
        'offeredOn',
        'The date advocacy was offered must be the same as or before the date of the meeting',
      );
    if (!v.offeredBy) issue('offeredBy', 'Enter who offered advocacy, with their role');
    if (!v.response) issue('response', 'Select what the child said to the offer');
    if (v.notOfferedReason)
      issue('notOfferedReason', 'Leave why advocacy was not offered blank when it was offered');
  } else if (v.offered === false) {
    if (!v.notOfferedReason) issue('notOfferedReason', 'Enter why independent advocacy was not offered');
    if (v.offeredOn) issue('offeredOn', 'Leave the date advocacy was offered blank when it was not offered');
    if (v.offeredBy) issue('offeredBy', 'Leave who offered advocacy blank when it was not offered');
    if (v.response) issue('response', 'Leave the child’s answer blank when advocacy was not offered');
  }
  if ((v.advocateName || v.advocateOrganisation) && v.response !== 'accepted') {
    issue('advocateName', 'Name an advocate only when the child accepted one');
  } else if (v.advocateOrganisation && !v.advocateName) {
    issue('advocateName', 'Enter the advocate’s name');
  }
  if (v.heard && !v.childViews) {
    issue('childViews', 'Enter what the child wanted said before recording whether it was heard');
  }
  if ((v.heard === 'partly' || v.heard === 'no') && !v.heardNote) {
    issue('heardNote', 'Enter what of the child’s views was not heard, and why');
  }
}

/**
 * One meeting's advocacy, as the form and the API send it. The rules that join the answers (an
 * offer needs its date, who made it and the child's answer; an advocate only once accepted; whether
 * the child was heard only with what they wanted said) live here, so both say the same.
 */
export const advocacyMeetingInput = z
  .object({
    kind: z.enum(meetingKinds, { error: 'Select the kind of meeting' }),
    meetingOn: z.iso.date({ error: 'Enter the date of the meeting' }),
    offered: z.boolean({ error: 'Select whether independent advocacy was offered for the meeting' }),
    offeredOn: z.preprocess(
      blankToUndefined,
      z.iso.date({ error: 'Enter the date advocacy was offered' }).optional(),
    ),
    offeredBy: optionalText(200, 'Who offered advocacy'),
    notOfferedReason: optionalText(2000, 'Why advocacy was not offered'),
    response: z.preprocess(
      blankToUndefined,
      z.enum(advocacyResponses, { error: 'Select what the child said to the offer' }).optional(),
    ),
    advocateName: optionalText(200, 'The advocate’s name'),
    advocateOrganisation: optionalText(200, 'The advocate’s organisation'),
    childViews: optionalText(4000, 'What the child wanted said'),
    heard: z.preprocess(
      blankToUndefined,
      z.enum(heardAnswers, { error: 'Select whether the child’s views were heard' }).optional(),
    ),
    heardNote: optionalText(2000, 'The note on how the child was heard'),
  })
  .superRefine((v, ctx) =>
    crossFieldIssues(v, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message })),
  );
export type AdvocacyMeetingInput = z.input<typeof advocacyMeetingInput>;
export type AdvocacyMeetingValues = z.output<typeof advocacyMeetingInput>;

/** A change to a meeting: the whole record as it should now read, and why, when an answer changes. */
export const advocacyReason = optionalText(1000, 'The reason');

export const enteredInErrorInput = z.object({
  reason: z
    .string({ error: 'Enter why the meeting was entered in error' })
    .trim()
    .min(1, 'Enter why the meeting was entered in error')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});
