import { z } from 'zod';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** Minutes London is ahead of UTC at an instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(at: Date): number {
  const parts = Object.fromEntries(wallClock.formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * A wall-clock time in London as an instant. In the hour the clocks go back the earlier (summer)
 * reading is taken; a time skipped when they go forward is read as the hour after.
 */
export function fromLondon(year: number, month: number, day: number, hour = 0, minute = 0): Date | null {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  const first = naive - londonOffsetMinutes(new Date(naive)) * 60_000;
  const second = naive - londonOffsetMinutes(new Date(first)) * 60_000;
  return new Date(Math.min(first, second));
}

/** The GOV.UK date input plus hour and minute fields, as one instant, with messages a person understands. */
export function londonDateTimeFields(label: string, options: { optional?: boolean } = {}) {
  return z
    .object({
      day: z.string().trim().optional(),
      month: z.string().trim().optional(),
      year: z.string().trim().optional(),
      hour: z.string().trim().optional(),
      minute: z.string().trim().optional(),
    })
    .transform((v, ctx) => {
      const empty = !v.day && !v.month && !v.year && !v.hour && !v.minute;
      if (empty) {
        if (options.optional) return undefined;
        ctx.addIssue({ code: 'custom', message: `Enter ${label}` });
        return z.NEVER;
      }
      const numbers = [v.day, v.month, v.year, v.hour, v.minute ?? '0'];
      if (
        numbers.some((n) => n === undefined || n === '' || !/^\d+$/.test(n)) ||
        !/^\d{4}$/.test(v.year ?? '')
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `${capitalise(label)} must include a day, month, year and time`,
        });
        return z.NEVER;
      }
      const at = fromLondon(
        Number(v.year),
        Number(v.month),
        Number(v.day),
        Number(v.hour),
        Number(v.minute || 0),
      );
      if (!at) {
        ctx.addIssue({ code: 'custom', message: `${capitalise(label)} must be a real date and time` });
        return z.NEVER;
      }
      return at;
    });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// Formatters are costly to make and safe to share: one each, made once.
const isoDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** The calendar date in London at an instant, as YYYY-MM-DD. */
export function londonDate(at: Date): string {
  return isoDate.format(at);
}
