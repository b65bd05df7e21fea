import { z } from 'zod';
import { findLocalAuthority, findPoliceForce } from './reference-data';
import { agencyTypes } from './tables';

const optionalCode = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const createAgencySchema = z
  .object({
    name: z
      .string({ error: 'Enter the agency’s name' })
      .trim()
      .min(1, 'Enter the agency’s name')
      .max(200, 'Name must be 200 characters or fewer'),
    type: z.enum(agencyTypes, { error: 'Select the type of agency' }),
    localAuthorityCode: optionalCode,
    policeForceCode: optionalCode,
    email: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .pipe(z.email('Enter an email address in the correct format, like duty@example.org').optional()),
  })
  .superRefine((v, ctx) => {
    if (v.localAuthorityCode && !findLocalAuthority(v.localAuthorityCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['localAuthorityCode'],
        message: 'Select a local authority from the list',
      });
    }
    if (v.policeForceCode && !findPoliceForce(v.policeForceCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['policeForceCode'],
        message: 'Select a police force from the list',
      });
    }
    if (v.type === 'police_force' && !v.policeForceCode) {
      ctx.addIssue({ code: 'custom', path: ['policeForceCode'], message: 'Select the police force' });
    }
    if (v.type === 'local_authority' && !v.localAuthorityCode) {
      ctx.addIssue({ code: 'custom', path: ['localAuthorityCode'], message: 'Select the local authority' });
    }
  });
export type CreateAgencyInput = z.infer<typeof createAgencySchema>;

export const agencyTypeNames: Record<(typeof agencyTypes)[number], string> = {
  police_force: 'Police force',
  local_authority: 'Local authority children’s services',
  health: 'Health',
  education: 'Education',
  voluntary: 'Voluntary service',
  childrens_home_provider: 'Children’s home provider',
  report_only: 'Report-only organisation (hotel, venue)',
};
