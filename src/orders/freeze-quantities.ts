/**
 * The exchange's quantity freeze limits per F&O underlying, from the checked-in
 * `config/freeze-quantities.json` (NSE publishes them; see the file for sources and which values are
 * estimates). An order above its limit is rejected by the exchange, so routing slices it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Instrument } from '@/domain/market';

const FO_EXCHANGES = new Set(['NFO', 'BFO']);

export interface FreezeTableFile {
  underlyings: Record<string, { freezeQuantity: number; uncertain?: boolean; note?: string }>;
}

export type FreezeLookup = (inst: Pick<Instrument, 'exchange' | 'name'>) => number | undefined;

export function freezeLookup(table: FreezeTableFile): FreezeLookup {
  const limits = new Map<string, number>();
  for (const [name, row] of Object.entries(table.underlyings)) {
    if (!Number.isInteger(row.freezeQuantity) || row.freezeQuantity <= 0)
      throw new Error(`freeze quantity of ${name} must be a positive integer`);
    limits.set(name.toUpperCase(), row.freezeQuantity);
  }
  return (inst) => (FO_EXCHANGES.has(inst.exchange) ? limits.get(inst.name.toUpperCase()) : undefined);
}

/** Reads the table shipped in `config/` (copied next to `dist/` in the build, like charges.json). */
export function loadFreezeQuantities(
  path = join(__dirname, '..', '..', 'config', 'freeze-quantities.json'),
): FreezeLookup {
  return freezeLookup(JSON.parse(readFileSync(path, 'utf8')) as FreezeTableFile);
}
