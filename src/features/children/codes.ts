// SSDA903 codes the child's record uses (standards.md). Labels follow the DfE's own wording.

export const sexCodes = { M: 'Male', F: 'Female', U: 'Not known' } as const;
export type SexCode = keyof typeof sexCodes;

export const ethnicityCodes = {
  WBRI: 'White British',
  WIRI: 'White Irish',
  WOTH: 'Any other White background',
  WIRT: 'Traveller of Irish heritage',
  WROM: 'Gypsy or Roma',
  MWBC: 'White and Black Caribbean',
  MWBA: 'White and Black African',
  MWAS: 'White and Asian',
  MOTH: 'Any other mixed background',
  AIND: 'Indian',
  APKN: 'Pakistani',
  ABAN: 'Bangladeshi',
  AOTH: 'Any other Asian background',
  BCRB: 'Caribbean',
  BAFR: 'African',
  BOTH: 'Any other Black background',
  CHNE: 'Chinese',
  OOTH: 'Any other ethnic group',
  REFU: 'Refused',
  NOBT: 'Information not yet obtained',
} as const;
export type EthnicityCode = keyof typeof ethnicityCodes;

export const legalStatusCodes = {
  C1: 'Interim care order',
  C2: 'Full care order',
  D1: 'Freeing order granted',
  E1: 'Placement order granted',
  V2: 'Single period of accommodation under section 20',
  V3: 'Accommodated under an agreed series of short-term breaks (episodes recorded)',
  V4: 'Accommodated under an agreed series of short-term breaks (agreements recorded)',
  J1: 'Remanded to local authority or youth detention accommodation',
  J2: 'Placed in local authority accommodation under PACE 1984',
  J3: 'Sentenced to a youth rehabilitation order',
  L1: 'Under police protection and in local authority accommodation',
  L2: 'Emergency protection order',
  L3: 'Under a child assessment order and in local authority accommodation',
} as const;
export type LegalStatusCode = keyof typeof legalStatusCodes;

export const codeList = <T extends Record<string, string>>(codes: T) =>
  Object.keys(codes) as [keyof T & string, ...(keyof T & string)[]];
