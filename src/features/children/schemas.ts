import { z } from 'zod';

export const newChildSchema = z.object({
  givenName: z
    .string()
    .trim()
    .min(1, 'Enter the child’s first name')
    .max(100, 'First name must be 100 characters or fewer'),
  familyName: z
    .string()
    .trim()
    .min(1, 'Enter the child’s last name')
    .max(100, 'Last name must be 100 characters or fewer'),
  dateOfBirth: z.iso.date('Enter the date of birth as a real date').optional(),
});
export type NewChild = z.infer<typeof newChildSchema>;

export const childResponse = z.object({
  id: z.uuid(),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: z.string().nullable(),
});
