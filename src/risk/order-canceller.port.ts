import type { ProductType } from '@/domain/market';

/**
 * What the kill switch and the square-off need from the orders module (it binds the implementation to
 * this class as the DI token). Both calls return once every request is handed to the broker queue.
 * `flattenAll` sends risk-originated exit orders that do NOT pass the pre-trade check again: it runs
 * while trading is HALTED, when the engine refuses everything.
 */
export abstract class OrderCanceller {
  abstract cancelAll(reason: string): Promise<{ requested: number }>;
  /** Market orders closing every open position (only those of `product` when given). */
  abstract flattenAll(reason: string, opts?: { product?: ProductType }): Promise<{ requested: number }>;
}
