const london = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', ...options });

const dateTimeFormat = london({
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});
const dateFormat = london({ day: 'numeric', month: 'long', year: 'numeric' });

/** "26 November 2026 at 2:05pm", in Europe/London time, as the GOV.UK style guide writes times. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(d).map((p) => [p.type, p.value]));
  const minutes = parts.minute === '00' ? '' : `:${parts.minute}`;
  const hour = parts.hour === '0' ? '12' : parts.hour;
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/\s|\./g, '');
  if (hour === '12' && minutes === '' && period === 'pm')
    return `${parts.day} ${parts.month} ${parts.year} at midday`;
  if (hour === '12' && minutes === '' && period === 'am')
    return `${parts.day} ${parts.month} ${parts.year} at midnight`;
  return `${parts.day} ${parts.month} ${parts.year} at ${hour}${minutes}${period}`;
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '';
  return dateFormat.format(new Date(value));
}
