import { MarketCalendar, segmentOf } from './market-calendar';
import { istTime, toIstIso } from './ist';

const cal = new MarketCalendar();
const at = (date: string, hm: string) => istTime(date, hm);

describe('MarketCalendar', () => {
  it('a regular weekday is open 09:15-15:30 IST for equity, closed before and after', () => {
    const s = cal.session('2025-06-10', 'equity');
    expect(s).toMatchObject({ kind: 'regular', covered: true });
    expect(toIstIso(s!.open)).toBe('2025-06-10T09:15:00.000+05:30');
    expect(toIstIso(s!.close)).toBe('2025-06-10T15:30:00.000+05:30');
    expect(cal.isOpen('equity', at('2025-06-10', '09:14'))).toBe(false);
    expect(cal.isOpen('equity', at('2025-06-10', '09:15'))).toBe(true);
    expect(cal.isOpen('equity', at('2025-06-10', '15:29'))).toBe(true);
    expect(cal.isOpen('equity', at('2025-06-10', '15:30'))).toBe(false);
  });

  it('segments keep their own hours: currency 09:00-17:00, MCX to 23:30 in US summer and 23:55 in winter', () => {
    expect(cal.isOpen('currency', at('2025-06-10', '16:30'))).toBe(true);
    expect(cal.isOpen('fno', at('2025-06-10', '16:30'))).toBe(false);
    expect(cal.isOpen('commodity', at('2025-06-10', '23:40'))).toBe(false);
    expect(cal.isOpen('commodity', at('2025-06-10', '23:20'))).toBe(true);
    expect(cal.isOpen('commodity', at('2025-12-10', '23:40'))).toBe(true);
  });

  it('a weekend is closed and nextOpen from Saturday is Monday 09:15 IST', () => {
    expect(cal.session('2025-06-14', 'equity')).toBeNull(); // Saturday
    expect(cal.isOpen('equity', at('2025-06-15', '11:00'))).toBe(false); // Sunday
    expect(toIstIso(cal.nextOpen('equity', at('2025-06-14', '10:00')))).toBe('2025-06-16T09:15:00.000+05:30');
  });

  it('an NSE holiday (Holi, 14 Mar 2025) is closed for equity; MCX trades only the evening session', () => {
    expect(cal.session('2025-03-14', 'equity')).toBeNull();
    expect(cal.isOpen('fno', at('2025-03-14', '10:00'))).toBe(false);
    expect(cal.isOpen('commodity', at('2025-03-14', '10:00'))).toBe(false);
    expect(cal.session('2025-03-14', 'commodity')).toMatchObject({ kind: 'evening', name: 'Holi' });
    expect(cal.isOpen('commodity', at('2025-03-14', '18:00'))).toBe(true);
    expect(toIstIso(cal.nextOpen('equity', at('2025-03-13', '16:00')))).toBe('2025-03-17T09:15:00.000+05:30');
  });

  it('Good Friday and Christmas close MCX too', () => {
    expect(cal.session('2025-04-18', 'commodity')).toBeNull();
    expect(cal.session('2025-12-25', 'commodity')).toBeNull();
  });

  it('the Muhurat session on Diwali 2025 opens 13:45-14:45 IST although the day is a holiday', () => {
    const s = cal.session('2025-10-21', 'equity');
    expect(s).toMatchObject({ kind: 'muhurat' });
    expect(cal.isOpen('equity', at('2025-10-21', '10:00'))).toBe(false);
    expect(cal.isOpen('equity', at('2025-10-21', '14:00'))).toBe(true);
    expect(cal.isOpen('equity', at('2025-10-21', '14:45'))).toBe(false);
    expect(toIstIso(cal.nextOpen('equity', at('2025-10-21', '09:00')))).toBe('2025-10-21T13:45:00.000+05:30');
    // The next day is Balipratipada, so after Muhurat the market next opens on Thursday.
    expect(toIstIso(cal.nextOpen('equity', at('2025-10-21', '15:00')))).toBe('2025-10-23T09:15:00.000+05:30');
  });

  it('the Saturday Union Budget session of 1 Feb 2025 is open for equity and F&O but not currency', () => {
    expect(cal.session('2025-02-01', 'equity')).toMatchObject({ kind: 'special' });
    expect(cal.isOpen('fno', at('2025-02-01', '11:00'))).toBe(true);
    expect(cal.session('2025-02-01', 'currency')).toBeNull();
  });

  it('nextOpen while the market is open is the next session, and exactly at the open is that open', () => {
    expect(toIstIso(cal.nextOpen('equity', at('2025-06-10', '10:00')))).toBe('2025-06-11T09:15:00.000+05:30');
    expect(cal.nextOpen('equity', at('2025-06-10', '09:15'))).toBe(at('2025-06-10', '09:15'));
  });

  it('holidays of 2026 and provisional 2027 entries are honoured and flagged', () => {
    expect(cal.session('2026-01-26', 'equity')).toBeNull();
    expect(cal.session('2026-11-10', 'equity')).toBeNull();
    expect(cal.session('2027-03-26', 'equity')).toBeNull();
    expect(cal.session('2026-11-08', 'equity')).toMatchObject({ kind: 'muhurat', unsure: true });
  });

  it('outside the covered years every weekday is assumed to be a regular session and flagged uncovered', () => {
    expect(cal.session('2030-03-14', 'equity')).toMatchObject({ kind: 'regular', covered: false });
  });

  it('previousSession and sessionsBetween walk over weekends and holidays', () => {
    const prev = cal.previousSession('equity', at('2025-03-17', '09:00'));
    expect(prev.date).toBe('2025-03-13');
    const days = cal
      .sessionsBetween('equity', at('2025-03-10', '00:00'), at('2025-03-17', '00:00'))
      .map((s) => s.date);
    expect(days).toEqual(['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-17']);
  });

  it('maps exchanges onto segments', () => {
    expect(segmentOf('NSE')).toBe('equity');
    expect(segmentOf('NFO')).toBe('fno');
    expect(segmentOf('CDS')).toBe('currency');
    expect(segmentOf('MCX')).toBe('commodity');
  });
});
