import { localAuthorities } from './reference-data';

const byName = [...localAuthorities].sort((a, b) => a.name.localeCompare(b.name));

/** govukSelect items for choosing a local authority, by name, with the first item saying what to do. */
export function authoritySelectItems(selected: string | null | undefined, first = 'Select authority') {
  return [
    { value: '', text: first },
    ...byName.map((a) => ({ value: a.code, text: a.name, selected: a.code === selected })),
  ];
}
