import { gapAround } from '../helpers/forwarding-gap';

/** The HA test's gap per fault (test/ha/failover.test.ts): each fault's pause, never the next fault's. */
describe('gapAround: the pause in forwarding a fault caused', () => {
  const every100 = (from: number, to: number): number[] => Array.from({ length: (to - from) / 100 + 1 }, (_, i) => from + i * 100);
  const cases: Array<{ name: string; published: number[]; fault: number; until: number; gap: number }> = [
    { name: 'no pause: the steady interval', published: every100(0, 2000), fault: 500, until: 1500, gap: 100 },
    { name: 'a 3 s pause after the fault', published: [...every100(0, 1000), ...every100(4000, 6000)], fault: 1050, until: 5000, gap: 3000 },
    {
      name: 'the next fault\'s pause is not this one\'s',
      published: [...every100(0, 1000), ...every100(2000, 5000), ...every100(14_000, 15_000)],
      fault: 1050, until: 5050, gap: 1000,
    },
    {
      name: 'an outage that lasts past the next fault runs to the first publication after it',
      published: [...every100(0, 1000), ...every100(12_000, 13_000)],
      fault: 1050, until: 5000, gap: 11_000,
    },
    { name: 'nothing published after the last fault: the pause until the stream end', published: every100(0, 1000), fault: 1050, until: 9000, gap: 8000 },
  ];
  it.each(cases)('$name', ({ published, fault, until, gap }) => {
    expect(gapAround(published, fault, until)).toBe(gap);
  });
});
