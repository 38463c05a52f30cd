import fc from 'fast-check';
import { buildOrdertag, ORDERTAG_MAX, parseOrdertag } from './ordertag';

describe('ordertag', () => {
  const t = Date.UTC(2026, 10, 26, 20, 0, 0); // 01:30 IST on 27 Nov

  it('dates the tag by the IST trading day and keeps the strategy version', () => {
    expect(buildOrdertag(42, t, 'v1.3')).toBe('2611270000016v13');
    expect(parseOrdertag('2611270000016v13')).toEqual({
      day: '261127',
      sequence: 42,
      strategyVersion: 'v13',
    });
  });

  it('stays under 20 characters (AB4008) and round-trips the sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 36 ** 7 - 1 }), fc.string({ maxLength: 40 }), (seq, version) => {
        const tag = buildOrdertag(seq, t, version);
        expect(tag.length).toBeLessThanOrEqual(ORDERTAG_MAX);
        expect(parseOrdertag(tag)?.sequence).toBe(seq);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives distinct tags to distinct sequence values', () => {
    const tags = new Set(Array.from({ length: 5000 }, (_, i) => buildOrdertag(i + 1, t, 'sma')));
    expect(tags.size).toBe(5000);
  });
});
