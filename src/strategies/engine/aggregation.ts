/**
 * Combining the signals several instances emit for one instrument in the same market event.
 *   independent: every signal goes on as it is (no group).
 *   majority:    a side wins when strictly more than half of the group's running members voted for it.
 *   weighted:    sum(weight * strength) per side; the net, as a share of the group's total weight,
 *                must reach `threshold`; the result's strength is that share.
 *   unanimous:   every running member voted, all for the same side.
 * Members that did not emit abstain (and so count against majority and unanimity).
 */
import type { Side } from '@/domain/market';
import type { SignalInput } from '@/strategies/strategy.contract';

export type AggregationMode = 'independent' | 'majority' | 'weighted' | 'unanimous';
export const AGGREGATION_MODES: readonly AggregationMode[] = [
  'independent',
  'majority',
  'weighted',
  'unanimous',
];

export interface Vote {
  memberId: string;
  weight: number;
  signal: SignalInput;
}

export interface AggregateDecision {
  side: Side;
  strength: number;
  reason: string;
  /** The tightest stop and target among the winning votes, when they gave any. */
  stopLossPaise?: number;
  takeProfitPaise?: number;
}

export function aggregateVotes(
  mode: Exclude<AggregationMode, 'independent'>,
  votes: readonly Vote[],
  members: readonly { id: string; weight: number }[],
  threshold = 0.5,
): AggregateDecision | null {
  if (votes.length === 0 || members.length === 0) return null;
  // One vote per member: the last one it emitted in this event.
  const byMember = new Map<string, Vote>();
  for (const v of votes) byMember.set(v.memberId, v);
  const buys = [...byMember.values()].filter((v) => v.signal.side === 'BUY');
  const sells = [...byMember.values()].filter((v) => v.signal.side === 'SELL');
  const n = members.length;
  let side: Side | null = null;
  let strength = 0;
  let reason = '';
  switch (mode) {
    case 'majority': {
      if (buys.length * 2 > n) side = 'BUY';
      else if (sells.length * 2 > n) side = 'SELL';
      if (side) {
        const win = side === 'BUY' ? buys : sells;
        strength = win.reduce((a, v) => a + v.signal.strength, 0) / win.length;
        reason = `majority ${win.length}/${n} ${side}`;
      }
      break;
    }
    case 'unanimous': {
      if (buys.length === n) side = 'BUY';
      else if (sells.length === n) side = 'SELL';
      if (side) {
        const win = side === 'BUY' ? buys : sells;
        strength = Math.min(...win.map((v) => v.signal.strength));
        reason = `unanimous ${n}/${n} ${side}`;
      }
      break;
    }
    case 'weighted': {
      const total = members.reduce((a, m) => a + m.weight, 0);
      const score = (vs: Vote[]): number => vs.reduce((a, v) => a + v.weight * v.signal.strength, 0);
      const net = total > 0 ? (score(buys) - score(sells)) / total : 0;
      if (Math.abs(net) >= threshold && net !== 0) {
        side = net > 0 ? 'BUY' : 'SELL';
        strength = Math.min(1, Math.abs(net));
        reason = `weighted score ${net.toFixed(2)} (threshold ${threshold})`;
      }
      break;
    }
  }
  if (!side) return null;
  const win = side === 'BUY' ? buys : sells;
  const decision: AggregateDecision = {
    side,
    strength,
    reason: `${reason}: ${win.map((v) => `${v.memberId}: ${v.signal.reason}`).join('; ')}`,
  };
  const stops = win.map((v) => v.signal.stopLossPaise).filter((x): x is number => x !== undefined);
  const targets = win.map((v) => v.signal.takeProfitPaise).filter((x): x is number => x !== undefined);
  // Tightest = nearest to the market: the highest stop and lowest target for a long, the reverse for a short.
  if (stops.length) decision.stopLossPaise = side === 'BUY' ? Math.max(...stops) : Math.min(...stops);
  if (targets.length) decision.takeProfitPaise = side === 'BUY' ? Math.min(...targets) : Math.max(...targets);
  return decision;
}
