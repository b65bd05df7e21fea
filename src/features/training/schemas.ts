import { z } from 'zod';
import { blankToUndefined } from '../../platform/http/forms';
import { trainingSectors } from './tables';

const personName = (what: string) =>
  z
    .string({ error: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .max(100, `The ${what} must be 100 characters or fewer`);

export const staffInput = z.object({
  givenName: personName('given name'),
  familyName: personName('family name'),
  email: z.preprocess(
    blankToUndefined,
    z
      .email({ error: 'Enter an email address in the correct format, like name@example.invalid' })
      .max(254, 'The email address must be 254 characters or fewer')
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
  homeId: z.preprocess(blankToUndefined, z.uuid({ error: 'Select a home from the list' }).optional()),
  sector: z.enum(trainingSectors, { error: 'Select the sector they work in' }),
  startedOn: z.iso.date({ error: 'Enter the date they started' }).optional(),
});
export type StaffInput = z.input<typeof staffInput>;

export const recordInput = z.object({
  courseId: z.uuid({ error: 'Select the course' }),
  completedOn: z.iso.date({ error: 'Enter the date the course was completed' }),
  provider: z.preprocess(
    blankToUndefined,
    z.string().trim().max(200, 'The trainer or provider must be 200 characters or fewer').optional(),
  ),
});
export type RecordInput = z.input<typeof recordInput>;

export const leaveInput = z.object({
  leftOn: z.iso.date({ error: 'Enter the date they left' }),
});

export const inErrorInput = z.object({
  reason: z
    .string({ error: 'Enter why the record is wrong' })
    .trim()
    .min(1, 'Enter why the record is wrong')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});

export const courseInput = z.object({
  title: z
    .string({ error: 'Enter the course title' })
    .trim()
    .min(1, 'Enter the course title')
    .max(200, 'The title must be 200 characters or fewer'),
  covers: z
    .string({ error: 'Enter what the course covers' })
    .trim()
    .min(1, 'Enter what the course covers')
    .max(2000, 'What the course covers must be 2,000 characters or fewer'),
  validityMonths: z.coerce
    .number({ error: 'Enter how many months the course stays valid, as a whole number' })
    .int('Enter how many months the course stays valid, as a whole number')
    .min(1, 'A course stays valid for at least 1 month')
    .max(120, 'A course stays valid for at most 120 months'),
  /** Left out when adding a course (a new course is offered at once); yes or no when changing one. */
  active: z.preprocess(
    (v) => (v === undefined || v === '' ? undefined : v === true || v === 'yes'),
    z.boolean().optional(),
  ),
});
export type CourseInput = z.input<typeof courseInput>;
