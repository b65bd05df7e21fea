import { isRole, roles as roleCatalogue } from '../access/catalogue';
import { agencyTypeNames } from '../agencies/schemas';
import { formatDateTime } from '../views/filters';
import { escapeHtml } from '../views/html';
import type { UserSummary } from './users.repository';

export function roleItems(selected: readonly string[] = []) {
  return Object.entries(roleCatalogue).map(([value, role]) => ({
    value,
    text: role.name,
    hint: {
      text: `For: ${role.agencyTypes.map((t) => agencyTypeNames[t as keyof typeof agencyTypeNames]).join(', ')}`,
    },
    checked: selected.includes(value),
  }));
}

export function roleNamesOf(roleList: readonly string[]): string {
  return roleList
    .filter(isRole)
    .map((r) => roleCatalogue[r].name)
    .join(', ');
}

export function userRows(users: UserSummary[]) {
  return users.map((u) => [
    { html: `<a class="govuk-link" href="/admin/users/${u.id}">${escapeHtml(u.name)}</a>` },
    { text: u.email },
    { text: u.agencyName },
    { text: roleNamesOf(u.roles) },
    { text: u.disabledAt ? 'Disabled' : 'Active' },
  ]);
}

export function userSummaryRows(u: UserSummary) {
  return [
    { key: { text: 'Name' }, value: { text: u.name } },
    { key: { text: 'Email address' }, value: { text: u.email } },
    { key: { text: 'Agency' }, value: { text: u.agencyName } },
    {
      key: { text: 'Roles' },
      value: { text: roleNamesOf(u.roles) },
      actions: {
        items: [{ href: `/admin/users/${u.id}/roles`, text: 'Change', visuallyHiddenText: 'roles' }],
      },
    },
    { key: { text: 'Second factor' }, value: { text: u.totpEnabledAt ? 'Set up' : 'Not set up' } },
    {
      key: { text: 'Last signed in' },
      value: { text: u.lastSignedInAt ? formatDateTime(u.lastSignedInAt) : 'Never' },
    },
    {
      key: { text: 'Access last confirmed' },
      value: { text: u.accessReviewedAt ? formatDateTime(u.accessReviewedAt) : 'Never' },
    },
    {
      key: { text: 'Status' },
      value: { text: u.disabledAt ? `Disabled on ${formatDateTime(u.disabledAt)}` : 'Active' },
    },
  ];
}
