/**
 * The CSE screening tool: indicators in three sections, scored into four levels (standards.md).
 * Each version is kept for ever; a screening stores the version it used and its own scores, so a
 * newer version never changes a past result.
 */
export type Section = 'vulnerability' | 'moderate' | 'significant';
export type Answer = 'no' | 'past' | 'current';
export const levels = ['not_at_risk', 'mild', 'moderate', 'significant'] as const;
export type Level = (typeof levels)[number];

export interface Indicator {
  code: string;
  section: Section;
  text: string;
}

export interface ScreeningTool {
  version: string;
  indicators: Indicator[];
  /** The lowest score of each level above "not at risk". */
  bands: { mild: number; moderate: number; significant: number };
}

const v = (code: string, text: string): Indicator => ({ code, section: 'vulnerability', text });
const m = (code: string, text: string): Indicator => ({ code, section: 'moderate', text });
const s = (code: string, text: string): Indicator => ({ code, section: 'significant', text });

export const tool2026: ScreeningTool = {
  version: '2026.1',
  bands: { mild: 6, moderate: 11, significant: 16 },
  indicators: [
    v('v_care', 'In care or placed out of area'),
    v('v_abuse', 'Previous abuse or neglect'),
    v('v_domestic', 'Domestic abuse at home'),
    v('v_learning', 'Learning difficulty'),
    v('v_mental', 'Mental health needs'),
    v('v_education', 'Not in education'),
    v('v_family_substance', 'Substance misuse in the family'),
    v('v_loss', 'Bereavement or family breakdown'),
    m('m_missing', 'Going missing once or twice'),
    m('m_truanting', 'Truanting'),
    m('m_gifts', 'Unexplained money, phones, clothes or gifts'),
    m('m_substances', 'Use of alcohol or drugs'),
    m('m_secretive', 'Secretive about friends or phone use'),
    m('m_older_friends', 'Older friends'),
    m('m_sti', 'Sexually transmitted infection'),
    m('m_self_harm', 'Self-harm'),
    m('m_online', 'Online contact with unknown adults'),
    m('m_behaviour', 'Change in behaviour or appearance'),
    s(
      's_repeat_missing',
      'Repeat missing (3 or more times in 90 days) or staying out overnight with no explanation',
    ),
    s('s_locations', 'Found in hotels, houses or areas linked to exploitation'),
    s('s_cars', 'Picked up in cars by unknown adults'),
    s('s_older_person', 'Relationship with a much older person or a person of concern'),
    s('s_disclosure', 'Disclosure of sexual assault, then withdrawal'),
    s('s_peers', 'Associating with young people known to be exploited'),
    s('s_abduction', 'Abduction or being held'),
    s('s_pregnancy', 'Pregnancy or termination under 16'),
  ],
};

export const tools: Record<string, ScreeningTool> = { [tool2026.version]: tool2026 };
export const currentTool = tool2026;

export const levelNames: Record<Level, string> = {
  not_at_risk: 'Not at risk',
  mild: 'Mild',
  moderate: 'Moderate',
  significant: 'Significant',
};

export const sectionNames: Record<Section, string> = {
  vulnerability: 'Vulnerabilities',
  moderate: 'Moderate indicators',
  significant: 'Significant indicators',
};
