import type { FastifyInstance } from 'fastify';
import type { Permission } from '../../platform/access/catalogue';
import { hasPermission } from '../../platform/access/guard';
import type { Services } from '../../services';
import { cellText } from './charts';
import { DashboardService } from './dashboard.service';

/** Reports written elsewhere, listed on the index when the application has them. */
const otherReports: {
  href: string;
  title: string;
  description: string;
  permission: Permission;
  /** Reports of a local authority's own return. */
  localAuthorityOnly?: boolean;
}[] = [
  {
    permission: 'ssda903:export',
    localAuthorityOnly: true,
    href: '/reports/ssda903',
    title: 'SSDA903 return',
    description: 'The statutory return of looked-after children, with the checks before export.',
  },
  {
    permission: 'report:view',
    localAuthorityOnly: true,
    href: '/reports/annex-a',
    title: 'Annex A',
    description: 'The missing columns of Annex A List 8 for your authority.',
  },
  {
    permission: 'episode:import',
    href: '/reports/imports',
    title: 'Imports',
    description: 'Police missing-person reports imported from a file.',
  },
  {
    permission: 'data:row-level',
    href: '/reports/rows',
    title: 'Row-level data',
    description: 'Episodes of your area, pseudonymised, for analysis.',
  },
];

export function registerDashboardRoutes(web: FastifyInstance, services: Services): void {
  const dashboards = new DashboardService(services.withTransaction, services.config.flags);

  web.get('/reports', { config: { access: 'report:view' } }, async (request, reply) => {
    const reports = [
      {
        href: '/reports/dashboard',
        title: 'Dashboard',
        description:
          'What needs attention now in your area, and this month against the same month last year.',
      },
      {
        href: '/reports/annual',
        title: 'Annual missing report',
        description:
          'Children missing and absent in an area over a period: monthly figures, repeat missing, who they are, return interviews, notices, screenings and other authorities.',
      },
      // Only what the user may open.
      ...otherReports
        .filter(
          (r) =>
            request.ctx.permissions.has(r.permission) &&
            (!r.localAuthorityOnly || request.ctx.actor?.agencyType === 'local_authority'),
        )
        .map(({ href, title, description }) => ({ href, title, description })),
    ];
    return reply.render('reports/views/reports-index.njk', { pageTitle: 'Reports', reports });
  });

  web.get('/reports/dashboard', { config: { access: 'report:view' } }, async (request, reply) => {
    const d = await dashboards.forArea(request.ctx);
    const n = (v: number | null) => cellText(v, 'count');
    const change =
      d.thisMonth.soFar === null || d.thisMonth.lastYearToDate === null
        ? null
        : d.thisMonth.soFar - d.thisMonth.lastYearToDate;
    return reply.render('reports/views/dashboard-index.njk', {
      pageTitle: 'Dashboard',
      d,
      cards: [
        { label: 'Children at high risk now', value: n(d.highRiskNow), href: null, id: 'high-risk' },
        {
          label: 'Return interviews due',
          value: n(d.returnInterviewsDue),
          href: hasPermission(request.ctx, 'return-interview:record') ? '/return-interviews' : null,
          id: 'interviews-due',
        },
        {
          label: 'Return interviews overdue',
          value: n(d.returnInterviewsOverdue),
          href: hasPermission(request.ctx, 'return-interview:record') ? '/return-interviews' : null,
          id: 'interviews-overdue',
        },
        {
          label: 'Notices not yet triaged',
          value: n(d.untriagedNotices),
          href: hasPermission(request.ctx, 'notice:triage') ? '/mash' : null,
          id: 'untriaged',
        },
        {
          label: `Children flagged as repeat missing (${d.repeatMissingRule.count} or more episodes in ${d.repeatMissingRule.days} days)`,
          value: n(d.repeatMissingChildren),
          href: hasPermission(request.ctx, 'episode:report') ? '/children/repeat-missing' : null,
          id: 'repeat',
        },
      ],
      gradeRows: d.openByGrade.map((g) => [
        { text: g.grade },
        { text: n(g.episodes), format: 'numeric', attributes: { 'data-value': g.episodes ?? '' } },
      ]),
      monthRows: [
        [
          { text: `${d.thisMonth.label} this year, so far` },
          { text: n(d.thisMonth.soFar), format: 'numeric' },
        ],
        [
          { text: `${d.thisMonth.label} last year, to the same day` },
          { text: n(d.thisMonth.lastYearToDate), format: 'numeric' },
        ],
        [
          { text: `${d.thisMonth.label} last year, the whole month` },
          { text: n(d.thisMonth.lastYearWhole), format: 'numeric' },
        ],
      ],
      changeText:
        change === null
          ? null
          : change === 0
            ? 'The same number as last year to the same day.'
            : `${Math.abs(change)} ${change > 0 ? 'more' : 'fewer'} than last year to the same day.`,
    });
  });
}
