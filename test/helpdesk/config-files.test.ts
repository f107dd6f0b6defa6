/** The shipped configuration and the JSON Schemas of the help desk agree with each other and with the code. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EESSI_COUNTRIES, slaStartOf, ticketIdempotencyKey } from '../../src/helpdesk';
import { calendars, calendarsConfig, d, policyConfig, readJson } from './fixtures';

// Same options as src/validation: strict mode refuses sloppy schemas.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
const validateCalendars = ajv.compile(readJson('schemas/calendars.schema.json'));
const validatePolicy = ajv.compile(readJson('schemas/sla-policy.schema.json'));
const validateTicket = ajv.compile(readJson('schemas/ticket.schema.json'));

describe('shipped configuration', () => {
  test('config/calendars.json matches its schema', () => {
    expect(validateCalendars(calendarsConfig) ? [] : validateCalendars.errors).toEqual([]);
  });

  test('config/sla-policy.json matches its schema', () => {
    expect(validatePolicy(policyConfig) ? [] : validatePolicy.errors).toEqual([]);
  });

  test('every country that may open a ticket has a counterpart calendar', () => {
    expect([...calendars.countries()].sort()).toEqual([...EESSI_COUNTRIES].sort());
  });

  test('the ticket schema accepts exactly the EESSI countries', () => {
    const schema = readJson<{ properties: { counterpartCountry: { enum: string[] } } }>('schemas/ticket.schema.json');
    expect([...schema.properties.counterpartCountry.enum].sort()).toEqual([...EESSI_COUNTRIES].sort());
  });
});

describe('calendar schema rows', () => {
  const desk = calendarsConfig.calendars[0];
  test.each([
    ['a calendar without zone is refused', { ...calendarsConfig, calendars: [{ id: 'x' }] }, false],
    ['an interval with three times is refused', { ...calendarsConfig, defaultWeeklyHours: { mon: [['09:00', '12:00', '17:00']] } }, false],
    ['25:00 is refused', { ...calendarsConfig, defaultWeeklyHours: { mon: [['09:00', '25:00']] } }, false],
    ['24:00 as an end is accepted', { ...calendarsConfig, defaultWeeklyHours: { sun: [['00:00', '24:00']] } }, true],
    ['an unknown holiday type is refused', { ...calendarsConfig, calendars: [{ ...desk, holidays: { country: 'FR', types: ['feast'] } }] }, false],
    ['a misspelt key is refused', { ...calendarsConfig, calendars: [{ ...desk, extraClosedDay: ['2025-05-02'] }] }, false],
  ])('%s', (_name, config, valid) => {
    expect(validateCalendars(config)).toBe(valid);
  });
});

const minimalTicket = {
  counterpartCountry: 'DE',
  counterpartRef: 'DE-SD-2025-000123',
  category: 'competent-institution',
  priority: 'P2',
  subject: 'Which CPAM handles this S072?',
  description: 'The insured person moved from Lyon to Lille in 2024.',
};

describe('ticket schema (POST /api/tickets and liaison.helpdesk)', () => {
  test.each([
    ['minimal ticket', minimalTicket, true],
    ['full ticket with case links and an earlier slaStartAt', { ...minimalTicket, caseId: '4410023', bucType: 'S_BUC_19', sedType: 'S072', slaStartAt: '2025-05-16T15:00:00+02:00' }, true],
    ['French institution ticket (FR)', { ...minimalTicket, counterpartCountry: 'FR' }, true],
    ['P3000 variant SED type', { ...minimalTicket, sedType: 'P3000_FR' }, true],
    ['four-digit SED type', { ...minimalTicket, sedType: 'P2000' }, true],
    ['missing priority', { ...minimalTicket, priority: undefined }, false],
    ['priority P5', { ...minimalTicket, priority: 'P5' }, false],
    ['ISO code GR instead of the EESSI code EL', { ...minimalTicket, counterpartCountry: 'GR' }, false],
    ['empty counterpartRef', { ...minimalTicket, counterpartRef: '' }, false],
    ['counterpartRef with surrounding spaces', { ...minimalTicket, counterpartRef: ' 123 ' }, false],
    ['slaStartAt without offset', { ...minimalTicket, slaStartAt: '2025-05-16T15:00:00' }, false],
    ['misspelt slaStartAt key', { ...minimalTicket, slaStartedAt: '2025-05-16T15:00:00Z' }, false],
    ['malformed BUC type', { ...minimalTicket, bucType: 'P-BUC-01' }, false],
    ['category with spaces', { ...minimalTicket, category: 'competent institution' }, false],
  ])('%s', (_name, body, valid) => {
    expect(validateTicket(JSON.parse(JSON.stringify(body)))).toBe(valid);
  });
});

describe('ticket identity and clock start', () => {
  test.each([
    ['same country and ref give the same key', { counterpartCountry: 'DE', counterpartRef: 'A-1' }, 'DE:A-1'],
    ['a ref containing the separator stays unambiguous', { counterpartCountry: 'BE', counterpartRef: 'NL:7' }, 'BE:NL:7'],
  ])('%s', (_name, req, key) => {
    expect(ticketIdempotencyKey(req)).toBe(key);
  });

  const createdAt = d('2025-05-19T10:00:00+02:00');
  test.each([
    ['absent: creation time', undefined, '2025-05-19T10:00:00+02:00'],
    ['before creation (legalDeliveryAt): kept', '2025-05-16T15:00:00+02:00', '2025-05-16T15:00:00+02:00'],
    ['after creation (sender clock ahead): creation time', '2025-05-19T10:05:00+02:00', '2025-05-19T10:00:00+02:00'],
  ])('slaStartAt %s', (_name, slaStartAt, expected) => {
    expect(slaStartOf({ slaStartAt }, createdAt).toISOString()).toBe(d(expected).toISOString());
  });
});
