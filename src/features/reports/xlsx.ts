import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { type AnnualReport, type Cell, SUPPRESSED_TEXT } from './annual.service';

/** A cell as a download holds it: numbers stay numbers, suppressed ones say so in words. */
const downloadCell = (v: Cell, kind: string): string | number =>
  v === null ? (kind === 'rate' ? 'not shown' : SUPPRESSED_TEXT) : v;

const heading = (report: AnnualReport) =>
  `Missing report for ${report.area.name} (${report.area.code}), ${report.period.from} to ${report.period.to}`;

const suppressionNote = (report: AnnualReport) =>
  report.exact
    ? 'Counts under 3 of other authorities are shown as "fewer than 3".'
    : 'Counts under 3 are shown as "fewer than 3", and rates made from them are not shown.';

/** One CSV: a section column, then each section's rows under its own header row. */
export function reportCsv(report: AnnualReport): string {
  const records: (string | number)[][] = [[heading(report)], [suppressionNote(report)]];
  for (const section of report.sections) {
    records.push([]);
    records.push(['Section', ...section.columns.map((c) => c.label)]);
    for (const row of section.rows) {
      records.push([
        section.title,
        ...row.map((v, i) => downloadCell(v, section.columns[i]?.kind ?? 'count')),
      ]);
    }
  }
  return stringify(records);
}

/** A workbook with a sheet per section, the same numbers as the page. */
export async function reportXlsx(report: AnnualReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Lantern';
  workbook.created = new Date(report.generatedAt);
  const about = workbook.addWorksheet('About');
  about.addRow([heading(report)]);
  about.addRow([suppressionNote(report)]);
  about.addRow([`Produced ${report.generatedAt}`]);
  for (const section of report.sections) {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    const sheet = workbook.addWorksheet(section.title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31));
    sheet.addRow(section.columns.map((c) => c.label)).font = { bold: true };
    for (const row of section.rows) {
      sheet.addRow(row.map((v, i) => downloadCell(v, section.columns[i]?.kind ?? 'count')));
    }
    sheet.columns.forEach((column, i) => {
      column.width = i === 0 ? 40 : 18;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
