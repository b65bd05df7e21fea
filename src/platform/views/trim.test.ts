import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { trim } from './trim';

const env = new nunjucks.Environment(null, { autoescape: true });
env.addFilter('trim', trim);

describe('the trim filter', () => {
  it('trims as Nunjucks does, escaping plain text and keeping safe HTML as it is', () => {
    expect(env.renderString('[{{ value | trim }}]', { value: '  <b>x</b>\n ' })).toBe(
      '[&lt;b&gt;x&lt;/b&gt;]',
    );
    expect(env.renderString('[{{ value | safe | trim }}]', { value: '\t<b>x</b>  ' })).toBe('[<b>x</b>]');
    expect(env.renderString('[{{ value | trim }}]', { value: null })).toBe('[]');
  });

  it('gives the same text as the original filter on a long table of rows', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `  <tr><td> ${i} </td></tr>\n`).join('');
    const original = new nunjucks.Environment(null, { autoescape: true });
    const template = '{{ value | safe | trim }}';
    expect(env.renderString(template, { value: rows })).toBe(
      original.renderString(template, { value: rows }),
    );
  });
});
