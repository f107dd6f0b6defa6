/** NIR key and birth checks; postal code → département (docs/routing.md §1). */
import { isNirValid, nirKey, nirMatchesBirthDate, normaliseNir, withNirKey } from '../../src/routing/nir';
import { departementFromPostalCode, residenceFrom } from '../../src/routing/postcode';
import { NIR } from './helpers';

describe('NIR key', () => {
  // Keys computed by hand (97 − n mod 97, 2A → 19, 2B → 18), independently of the code.
  it.each([
    { name: 'man born in Paris', nir: NIR.man1985March, valid: true },
    { name: 'woman born in Corrèze', nir: NIR.woman1985March, valid: true },
    { name: 'Corsica 2A', nir: NIR.corsica2A, valid: true },
    { name: 'Corsica 2B', nir: NIR.corsica2B, valid: true },
    { name: 'born abroad (99), key 47', nir: '299059912345647', valid: true },
    { name: 'key 97 − 0 never happens but 2-digit keys below 10 are zero-padded', nir: '185032A12345601', valid: true },
    { name: 'wrong key', nir: '185037512345642', valid: false },
    { name: 'Corsica read as plain digits is wrong', nir: '185032012345601', valid: false },
    { name: '14 characters', nir: '18503751234564', valid: false },
    { name: '16 characters', nir: '1850375123456411', valid: false },
    { name: 'letters elsewhere', nir: '1850375X2345641', valid: false },
    { name: '2C is not Corsica', nir: '185032C12345601', valid: false },
  ])('$name: $nir valid=$valid', ({ nir, valid }) => {
    expect(isNirValid(nir)).toBe(valid);
  });

  it('computes keys without floating-point loss (largest body)', () => {
    expect(nirKey('9999999999999')).toBe(97 - Number(9999999999999n % 97n));
    expect(withNirKey('1850375123456')).toBe(NIR.man1985March);
    expect(() => withNirKey('12')).toThrow();
  });

  it('normalises separators and case', () => {
    expect(normaliseNir(' 1 85 03 2a 123.456-01 ')).toBe(NIR.corsica2A);
  });
});

describe('NIR against the birth date', () => {
  it.each([
    { name: 'same year and month', nir: NIR.man1985March, birth: '1985-03-15', matches: true },
    { name: 'month differs', nir: NIR.man1985March, birth: '1985-04-15', matches: false },
    { name: 'year differs', nir: NIR.man1985March, birth: '1986-03-15', matches: false },
    { name: 'same two-digit year a century apart (cannot tell)', nir: NIR.man1985March, birth: '1885-03-15', matches: true },
    { name: 'NIR month 20 (unknown month) only checks the year', nir: withNirKey('1852075123456'), birth: '1985-07-01', matches: true },
    { name: 'NIR month 99 with another year', nir: withNirKey('1869975123456'), birth: '1985-07-01', matches: false },
    { name: 'no birth date', nir: NIR.man1985March, birth: null, matches: null },
    { name: 'not NIR-shaped', nir: '12345', birth: '1985-03-15', matches: null },
  ])('$name', ({ nir, birth, matches }) => {
    expect(nirMatchesBirthDate(nir, birth)).toBe(matches);
  });
});

describe('postal code → département', () => {
  it.each([
    ['75011', '75'], ['01000', '01'], ['13001', '13'], ['59000', '59'], ['62100', '62'], ['76600', '76'],
    ['20000', '2A'], ['20090', '2A'], ['20199', '2A'], ['20200', '2B'], ['20600', '2B'], ['20699', '2B'],
    ['97110', '971'], ['97200', '972'], ['97300', '973'], ['97400', '974'], ['97600', '976'], ['98800', '988'],
    ['75 011', '75'], ['7501', null], ['750111', null], ['F-75011', null], ['', null],
  ])('%s → %s', (postalCode, departement) => {
    expect(departementFromPostalCode(postalCode)).toBe(departement);
  });

  it.each([
    { name: 'French address', country: 'FR', postalCode: '33000', expected: { country: 'FR', postalCode: '33000', departement: '33' } },
    { name: 'German 5-digit postcode is not French', country: 'DE', postalCode: '33000', expected: { country: 'DE', postalCode: '33000', departement: null } },
    { name: 'GP means France, 971', country: 'GP', postalCode: null, expected: { country: 'FR', postalCode: null, departement: '971' } },
    { name: 'MQ means France, 972', country: 'MQ', postalCode: '97200', expected: { country: 'FR', postalCode: '97200', departement: '972' } },
    { name: 'GF means France, 973', country: 'gf', postalCode: null, expected: { country: 'FR', postalCode: null, departement: '973' } },
    { name: 'RE means France, 974', country: 'RE', postalCode: null, expected: { country: 'FR', postalCode: null, departement: '974' } },
    { name: 'YT means France, 976 (the code wins over a contradicting postcode)', country: 'YT', postalCode: '97400', expected: { country: 'FR', postalCode: '97400', departement: '976' } },
    { name: 'French address without postcode', country: 'FR', postalCode: null, expected: { country: 'FR', postalCode: null, departement: null } },
    { name: 'no country', country: null, postalCode: '75011', expected: { country: null, postalCode: '75011', departement: null } },
  ])('$name', ({ country, postalCode, expected }) => {
    expect(residenceFrom(country, postalCode)).toEqual(expected);
  });
});
