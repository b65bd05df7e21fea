import { z } from 'zod';
import { roleNames } from '../access/catalogue';
import { PASSWORD_MIN_LENGTH } from './passwords';

const trimmed = (message: string) => z.string({ error: message }).trim().min(1, message);

export const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.org'));

export const newPassword = z
  .string({ error: 'Enter a password' })
  .min(1, 'Enter a password')
  .min(PASSWORD_MIN_LENGTH, `Password must be ${PASSWORD_MIN_LENGTH} characters or more`)
  .max(200, 'Password must be 200 characters or fewer');

/** One or many checkbox values arrive as a string or an array. */
const checkboxes = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.enum(roleNames as [string, ...string[]], { error: 'Select a role from the list' })),
);

export const createUserSchema = z.object({
  name: trimmed('Enter the person’s full name').pipe(
    z.string().max(200, 'Name must be 200 characters or fewer'),
  ),
  email,
  agencyId: z.uuid({ error: 'Select an agency' }),
  roles: checkboxes.pipe(z.array(z.string()).min(1, 'Select at least one role')),
  password: newPassword.optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateRolesSchema = z.object({
  roles: checkboxes.pipe(z.array(z.string()).min(1, 'Select at least one role')),
});

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, 'Enter your email address'),
  password: z.string().min(1, 'Enter your password'),
});

export const secondFactorSchema = z.object({
  code: z
    .string()
    .transform((s) => s.replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Enter the 6-digit code from your authenticator app')
        .regex(/^\d{6}$/, 'The code must be 6 digits'),
    ),
});

export const changePasswordSchema = z
  .object({ password: newPassword, confirmPassword: z.string().min(1, 'Enter the password again') })
  .refine((v) => v.password === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The passwords do not match',
  });
