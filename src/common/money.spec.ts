import { isExactRupees, paiseToRupees, rupeesToPaise } from './money';

describe('money', () => {
  it.each([
    ['123.45', 12345],
    [123.45, 12345],
    ['0.05', 5],
    ['-0.05', -5],
    [0.1 + 0.2, 30],
    ['100', 10000],
    ['1.005', 101],
  ])('rupeesToPaise(%p) = %p', (input, paise) => {
    expect(rupeesToPaise(input)).toBe(paise);
  });

  it('refuses what is not an amount', () => {
    expect(() => rupeesToPaise('abc')).toThrow(RangeError);
    expect(() => rupeesToPaise(Number.NaN)).toThrow(RangeError);
    expect(() => rupeesToPaise('1e5')).toThrow(RangeError);
  });

  it('formats paise as rupees', () => {
    expect(paiseToRupees(12345)).toBe('123.45');
    expect(paiseToRupees(-5)).toBe('-0.05');
    expect(paiseToRupees(0)).toBe('0.00');
  });

  it('knows exact rupee amounts', () => {
    expect(isExactRupees('10.50')).toBe(true);
    expect(isExactRupees('10.505')).toBe(false);
  });
});
