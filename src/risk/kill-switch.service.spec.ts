import { Role, type AuthUser } from '@/auth/role.enum';
import type { AuditService } from '@/audit/audit.service';
import { ManualClock } from '@/common/clock';
import { EventBus } from '@/common/event-bus';
import type { AppConfig } from '@/config/app-config';
import type { TradingState } from '@/domain/execution';
import { KillSwitchService } from './kill-switch.service';
import type { OrderCanceller } from './order-canceller.port';
import type { RiskService } from './risk.service';

const trader: AuthUser = { id: 'u-trader', username: 'tara', role: Role.Trader, via: 'jwt' };
const admin: AuthUser = { id: 'u-admin', username: 'root', role: Role.Admin, via: 'jwt' };
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(opts: { setState?: () => Promise<unknown>; cancelMs?: number } = {}) {
  let state: TradingState = 'ACTIVE';
  const risk = {
    setState: jest.fn((s: TradingState) => {
      state = s;
      return opts.setState ? opts.setState() : Promise.resolve({});
    }),
    state: () => state,
  } as unknown as RiskService;
  const canceller: OrderCanceller = {
    cancelAll: jest.fn(async () => {
      await later(opts.cancelMs ?? 0);
      return { requested: 2 };
    }),
    flattenAll: jest.fn(async () => ({ requested: 1 })),
  };
  const audit = { record: jest.fn(async () => undefined) } as unknown as AuditService;
  const config = { hasRole: () => true } as unknown as AppConfig;
  const svc = new KillSwitchService(risk, new ManualClock(0), config, audit, new EventBus(), canceller);
  return { svc, risk, canceller, audit, state: () => state };
}

describe('KillSwitchService', () => {
  it('halts, cancels every open order, flattens when asked, and audits the trader as actor', async () => {
    const { svc, canceller, audit, state } = setup();
    const r = await svc.act(trader, { action: 'halt', reason: 'manual stop', flatten: true });
    expect(r).toEqual({ state: 'HALTED', cancelRequested: 2, flattenRequested: 1 });
    expect(state()).toBe('HALTED');
    expect(canceller.flattenAll).toHaveBeenCalledWith('manual stop');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ actorId: 'u-trader', action: 'risk.kill_switch.halt' }),
    );
  });

  it('blocks before anything else, and starts the flatten without waiting for the cancels', async () => {
    const { svc, canceller, state } = setup({ cancelMs: 50 });
    const halting = svc.apply('halt', 'stop now', null, true, 'manual');
    // Synchronously on the call: trading is halted and both the cancels and the exits are under way.
    expect(state()).toBe('HALTED');
    expect(canceller.cancelAll).toHaveBeenCalledWith('stop now');
    expect(canceller.flattenAll).toHaveBeenCalledWith('stop now');
    await expect(halting).resolves.toEqual({ state: 'HALTED', cancelRequested: 2, flattenRequested: 1 });
  });

  it('refuses resume to a trader with 403 and changes nothing; an admin resumes', async () => {
    const { svc, risk, state } = setup();
    await svc.act(trader, { action: 'halt', reason: 'stop' });
    await expect(svc.act(trader, { action: 'resume', reason: 'go' })).rejects.toMatchObject({
      httpStatus: 403,
    });
    expect(state()).toBe('HALTED');
    expect(risk.setState).toHaveBeenCalledTimes(1);
    await svc.act(admin, { action: 'resume', reason: 'go' });
    expect(state()).toBe('ACTIVE');
  });

  it('a failed state write during a halt fails the call, and is handled before the cancels finish (no unhandled rejection)', async () => {
    // Node ends the process on a rejection left without a handler for a turn: the write must be handled at once.
    let handledAt: number | null = null;
    let rejectedAt: number | null = null;
    class Tracked<T> extends Promise<T> {
      override then<A = T, B = never>(
        ok?: ((v: T) => A | PromiseLike<A>) | null,
        bad?: ((e: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        handledAt ??= performance.now();
        return super.then(ok, bad);
      }
    }
    const { svc, canceller, state } = setup({
      setState: () =>
        new Tracked((_, reject) =>
          setTimeout(() => {
            rejectedAt = performance.now();
            reject(new Error('database is down'));
          }, 5),
        ),
      cancelMs: 40,
    });
    await expect(svc.apply('halt', 'db outage', null, false, 'manual')).rejects.toThrow('database is down');
    // Fail closed: this process stopped trading and still sent the cancels.
    expect(state()).toBe('HALTED');
    expect(canceller.cancelAll).toHaveBeenCalled();
    expect(handledAt).not.toBeNull();
    expect(handledAt!).toBeLessThanOrEqual(rejectedAt!);
  });
});
