import { rupeesToPaise } from '@/common/money';
import type { RiskLimits } from './risk-types';
import type { RiskLimitsDto } from './risk.dto';

const RUPEE_FIELDS = {
  maxPositionSize: 'maxPositionNotionalPaise',
  maxGrossExposure: 'maxGrossExposurePaise',
  maxNetExposure: 'maxNetExposurePaise',
  maxOrderValue: 'maxOrderNotionalPaise',
  maxDailyLoss: 'maxDailyLossPaise',
  strategyMaxDailyLoss: 'strategyMaxDailyLossPaise',
} as const satisfies Partial<Record<keyof RiskLimitsDto, keyof RiskLimits>>;

const PLAIN_FIELDS = [
  'maxOpenPositions',
  'maxOrderQuantity',
  'priceBandPercent',
  'staleTickSeconds',
  'maxDrawdownPercent',
  'lossCooldownCount',
  'lossCooldownSeconds',
  'maxOrdersPerSecond',
  'strategyMaxTradesPerDay',
  'squareOffTime',
] as const;

/** API limits (rupees) to engine limits (paise); only the fields present. */
export function limitsPatchFromDto(dto: RiskLimitsDto): Partial<RiskLimits> {
  const out: Record<string, unknown> = {};
  for (const [api, engine] of Object.entries(RUPEE_FIELDS)) {
    const v = dto[api as keyof typeof RUPEE_FIELDS];
    if (v !== undefined) out[engine] = rupeesToPaise(v);
  }
  for (const k of PLAIN_FIELDS) if (dto[k] !== undefined) out[k] = dto[k];
  return out;
}
