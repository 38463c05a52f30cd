import { istDate, istDayStart, istMinutesOfDay, istTimeOn, parseHhMm } from './ist-time';

describe('ist-time', () => {
  it('converts UTC instants to IST wall-clock minutes and dates across midnight', () => {
    expect(istMinutesOfDay(Date.UTC(2025, 0, 6, 9, 45))).toBe(15 * 60 + 15);
    expect(istDate(Date.UTC(2025, 0, 6, 18, 29))).toBe('2025-01-06');
    expect(istDate(Date.UTC(2025, 0, 6, 18, 30))).toBe('2025-01-07');
    expect(istDayStart(Date.UTC(2025, 0, 6, 20, 0))).toBe(Date.UTC(2025, 0, 6, 18, 30));
    expect(istTimeOn(Date.UTC(2025, 0, 6, 4, 0), '15:15')).toBe(Date.UTC(2025, 0, 6, 9, 45));
  });

  it('refuses malformed HH:MM', () => {
    expect(parseHhMm('09:15')).toBe(555);
    expect(() => parseHhMm('9:15')).toThrow(RangeError);
    expect(() => parseHhMm('24:00')).toThrow(RangeError);
  });
});
