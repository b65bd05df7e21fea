import { describe, expect, it } from 'vitest';
import { buildSsda903, childIdentifier, type Ssda903CareEpisode, type Ssda903Child, ukDate } from './ssda903';

const kid: Ssda903Child = {
  id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  name: 'Example Child',
  laChildId: null,
  sex: 'F',
  dateOfBirth: '2011-02-03',
  ethnicity: 'WBRI',
  upn: 'A123456789012',
  mother: true,
  motherChildDateOfBirth: '2025-12-01',
  homePostcode: 'LS1 1AA',
};
const care = (over: Partial<Ssda903CareEpisode>): Ssda903CareEpisode => ({
  id: 'c1',
  childId: kid.id,
  startedOn: '2024-10-01',
  endedOn: null,
  reasonNewEpisode: 'S',
  legalStatus: 'C2',
  categoryOfNeed: 'N1',
  reasonCeased: null,
  reasonPlaceChange: null,
  ...over,
});
const place = (
  id: string,
  startDate: string,
  endDate: string | null,
  placementType = 'U4',
  urn: string | null = null,
) => ({
  id,
  childId: kid.id,
  startDate,
  endDate,
  placementType,
  provider: 'PR1',
  postcode: 'LS2 2BB',
  urn,
});

describe('building SSDA903', () => {
  it('uses the derived CHILD id, M/F/U from 2024/25 and 1/2 before, and MOTHER with MC_DOB', () => {
    expect(childIdentifier(kid)).toBe('0A1B2C3D4E5F');
    const input = {
      children: [kid],
      careEpisodes: [care({ startedOn: '2023-10-01' })],
      placements: [place('p1', '2023-10-01', null)],
      missing: [],
    };
    expect(buildSsda903({ ...input, year: 2026 }).rows.Header).toEqual([
      ['0A1B2C3D4E5F', 'F', '03/02/2011', 'WBRI', 'A123456789012', '1', '01/12/2025'],
    ]);
    expect(buildSsda903({ ...input, year: 2024 }).rows.Header[0]?.[1]).toBe('2');
  });

  it('starts a new row at a placement change (RNE P, REC X1), flags the missing reason, and leaves DEC blank past the year', () => {
    const built = buildSsda903({
      year: 2026,
      children: [kid],
      careEpisodes: [care({})],
      placements: [
        place('p1', '2024-10-01', '2025-07-15'),
        place('p2', '2025-07-15', null, 'K2', 'SC123456'),
      ],
      missing: [],
    });
    expect(built.rows.Episodes).toEqual([
      [
        '0A1B2C3D4E5F',
        '01/10/2024',
        'S',
        'C2',
        'N1',
        'U4',
        'PR1',
        '15/07/2025',
        'X1',
        '',
        'LS1 1AA',
        'LS2 2BB',
        'XXXXXXX',
      ],
      [
        '0A1B2C3D4E5F',
        '15/07/2025',
        'P',
        'C2',
        'N1',
        'K2',
        'PR1',
        '',
        '',
        '',
        'LS1 1AA',
        'LS2 2BB',
        'SC123456',
      ],
    ]);
    expect(built.problems.map((p) => p.message)).toEqual([
      'The placement changed on 15/07/2025 without a reason for the change',
    ]);
  });

  it('ends a missing period with its care episode, flags it, and leaves out periods before care began', () => {
    const built = buildSsda903({
      year: 2026,
      children: [kid],
      careEpisodes: [care({ endedOn: '2025-09-30', reasonCeased: 'E13' })],
      placements: [place('p1', '2024-10-01', '2025-09-30')],
      missing: [
        {
          id: 'm0',
          childId: kid.id,
          kind: 'missing',
          startedOn: '2024-08-01',
          endedOn: '2024-08-02',
          gradedHigh: false,
        },
        {
          id: 'm1',
          childId: kid.id,
          kind: 'absent',
          startedOn: '2025-05-01',
          endedOn: '2025-05-01',
          gradedHigh: false,
        },
        {
          id: 'm2',
          childId: kid.id,
          kind: 'missing',
          startedOn: '2025-09-29',
          endedOn: null,
          gradedHigh: false,
        },
      ],
    });
    expect(built.rows.Missing).toEqual([
      ['0A1B2C3D4E5F', '03/02/2011', 'A', '01/05/2025', '01/05/2025'],
      ['0A1B2C3D4E5F', '03/02/2011', 'M', '29/09/2025', '30/09/2025'],
    ]);
    expect(built.problems.map((p) => p.message)).toEqual([
      'The missing episode from 29/09/2025 is still open though the care episode ended',
    ]);
    expect(built.rows.Episodes[0]?.slice(7, 9)).toEqual(['30/09/2025', 'E13']);
  });

  it('flags overlapping care episodes, missing child facts, and overlapping missing periods', () => {
    const built = buildSsda903({
      year: 2026,
      children: [{ ...kid, upn: null, ethnicity: 'XXXX', dateOfBirth: null }],
      careEpisodes: [
        care({ endedOn: '2025-06-01', reasonCeased: 'X1' }),
        care({ id: 'c2', startedOn: '2025-05-01' }),
      ],
      placements: [place('p1', '2024-10-01', null)],
      missing: [
        {
          id: 'm1',
          childId: kid.id,
          kind: 'missing',
          startedOn: '2025-07-01',
          endedOn: '2025-07-05',
          gradedHigh: false,
        },
        {
          id: 'm2',
          childId: kid.id,
          kind: 'missing',
          startedOn: '2025-07-03',
          endedOn: '2025-07-04',
          gradedHigh: false,
        },
      ],
    });
    const messages = built.problems.map((p) => p.message);
    expect(messages).toContain('Care episodes from 01/10/2024 and 01/05/2025 overlap');
    expect(messages).toContain('The date of birth is missing');
    expect(messages).toContain('The ethnicity code is missing');
    expect(messages).toContain('The UPN (or a UN1–UN5 code) is missing or not in the right form');
    expect(messages).toContain('Missing periods from 01/07/2025 and 03/07/2025 overlap');
    expect(ukDate('2025-07-03')).toBe('03/07/2025');
  });
});
