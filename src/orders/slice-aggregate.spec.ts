import { aggregateSlices } from './slice-aggregate';
import type { OrderStatus } from './order-state';

const slice = (status: OrderStatus, quantity: number, filledQuantity = 0, avgPricePaise = 0) => ({
  status,
  quantity,
  filledQuantity,
  avgPricePaise,
});

describe('aggregateSlices (one status for an order sliced above the freeze quantity)', () => {
  it('is FILLED only when every slice filled, with the fill-weighted average price', () => {
    expect(aggregateSlices([slice('FILLED', 900, 900, 100_00), slice('FILLED', 60, 60, 103_00)])).toEqual({
      status: 'FILLED',
      quantity: 960,
      filledQuantity: 960,
      averagePrice: '100.19',
    });
  });

  it('is PARTIALLY_FILLED while a slice is live and something filled', () => {
    expect(aggregateSlices([slice('FILLED', 900, 900, 100_00), slice('OPEN', 60)]).status).toBe(
      'PARTIALLY_FILLED',
    );
    expect(aggregateSlices([slice('PARTIALLY_FILLED', 900, 30, 100_00), slice('QUEUED', 60)]).status).toBe(
      'PARTIALLY_FILLED',
    );
  });

  it('reports the live status that matters most when nothing filled yet', () => {
    expect(aggregateSlices([slice('OPEN', 900), slice('QUEUED', 60)]).status).toBe('QUEUED');
    expect(aggregateSlices([slice('OPEN', 900), slice('UNKNOWN', 60)]).status).toBe('UNKNOWN');
    expect(aggregateSlices([slice('OPEN', 900), slice('CANCEL_PENDING', 60)]).status).toBe('CANCEL_PENDING');
  });

  it('ends with the gravest ending when not all slices filled, keeping the fills', () => {
    const done = aggregateSlices([
      slice('FILLED', 900, 900, 100_00),
      slice('REJECTED', 60),
      slice('CANCELLED', 60),
    ]);
    expect(done).toMatchObject({
      status: 'REJECTED',
      quantity: 1020,
      filledQuantity: 900,
      averagePrice: '100.00',
    });
    expect(aggregateSlices([slice('CANCELLED', 900), slice('EXPIRED', 60)]).status).toBe('EXPIRED');
    expect(aggregateSlices([slice('RISK_REJECTED', 900)]).status).toBe('RISK_REJECTED');
  });
});
