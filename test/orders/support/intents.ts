import type { OrderIntent } from '@/domain/execution';
import type { OrderEntity } from '@/orders/entities/order.entity';

/** A fixed trading-day instant and user for the orders specs. */
export const T0 = Date.UTC(2026, 10, 27, 4, 0, 0);
export const USER = '11111111-1111-4111-8111-111111111111';

/** A 10-share SBIN LIMIT BUY at 500.00 for USER, overridable field by field. */
export function intent(over: Partial<OrderIntent> = {}): OrderIntent {
  return {
    clientOrderId: '',
    symbol: 'NSE:SBIN-EQ',
    side: 'BUY',
    quantity: 10,
    type: 'LIMIT',
    product: 'INTRADAY',
    validity: 'DAY',
    pricePaise: 500_00,
    userId: USER,
    createdAt: T0,
    ...over,
  };
}

/** A QUEUED 10-share SBIN LIMIT BUY row for USER, as placement would insert it, overridable field by field. */
export function queuedRow(over: Partial<OrderEntity>): Partial<OrderEntity> {
  return {
    userId: USER,
    symbol: 'NSE:SBIN-EQ',
    side: 'BUY',
    type: 'LIMIT',
    product: 'INTRADAY',
    validity: 'DAY',
    quantity: 10,
    pricePaise: 500_00,
    status: 'QUEUED',
    origin: 'API',
    expiresAt: new Date(T0 + 60_000),
    ...over,
  };
}
