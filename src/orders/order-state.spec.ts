import fc from 'fast-check';
import {
  ALLOWED_TRANSITIONS,
  applyOrderInput,
  foldOrderInputs,
  isTerminal,
  newOrderState,
  type BrokerReport,
  type OrderInput,
  type OrderState,
} from './order-state';

const brokerStatus = fc.constantFrom(
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
) as fc.Arbitrary<BrokerReport['status']>;

const anyInput: fc.Arbitrary<OrderInput> = fc.oneof(
  fc.constant<OrderInput>({ type: 'QUEUE' }),
  fc.constant<OrderInput>({ type: 'RISK_REJECT', reason: 'MAX_POSITION_SIZE' }),
  fc.constant<OrderInput>({ type: 'CLAIM' }),
  fc.constant<OrderInput>({ type: 'EXPIRE' }),
  fc.constant<OrderInput>({ type: 'AMBIGUOUS', reason: 'timeout' }),
  fc.constant<OrderInput>({ type: 'NOT_AT_BROKER' }),
  fc.constant<OrderInput>({ type: 'CANCEL_REQUEST' }),
  fc.constant<OrderInput>({ type: 'CANCEL_REJECTED' }),
  fc.integer({ min: -5, max: 300 }).map<OrderInput>((quantity) => ({ type: 'MODIFY', quantity })),
  fc
    .record({
      status: brokerStatus,
      filledQty: fc.integer({ min: -5, max: 300 }),
      avgPricePaise: fc.integer({ min: 1, max: 10_000_000 }),
    })
    .map<OrderInput>((r) => ({ type: 'BROKER_REPORT', ...r })),
);

/** A consistent broker life: optional trigger wait, open, growing cumulative fills, one terminal report. */
const brokerHistory = fc
  .record({
    qty: fc.integer({ min: 1, max: 200 }),
    triggered: fc.boolean(),
    fills: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 6 }),
    end: fc.constantFrom('FILLED', 'CANCELLED', 'REJECTED', 'NONE'),
  })
  .map(({ qty, triggered, fills, end }) => {
    const reports: BrokerReport[] = [];
    if (triggered)
      reports.push({ type: 'BROKER_REPORT', status: 'TRIGGER_PENDING', filledQty: 0, avgPricePaise: 0 });
    reports.push({ type: 'BROKER_REPORT', status: 'OPEN', filledQty: 0, avgPricePaise: 0 });
    if (end === 'REJECTED') {
      reports.push({ type: 'BROKER_REPORT', status: 'REJECTED', filledQty: 0, avgPricePaise: 0 });
      return { qty, reports };
    }
    let cum = 0;
    for (const f of fills) {
      const next = Math.min(qty, cum + f);
      if (next === cum || (end !== 'FILLED' && next === qty)) break;
      cum = next;
      reports.push({
        type: 'BROKER_REPORT',
        status: cum === qty ? 'FILLED' : 'PARTIALLY_FILLED',
        filledQty: cum,
        avgPricePaise: 10_000 + cum,
      });
    }
    if (end === 'FILLED' && cum < qty)
      reports.push({ type: 'BROKER_REPORT', status: 'FILLED', filledQty: qty, avgPricePaise: 10_000 + qty });
    if (end === 'CANCELLED')
      reports.push({
        type: 'BROKER_REPORT',
        status: 'CANCELLED',
        filledQty: cum,
        avgPricePaise: cum ? 10_000 + cum : 0,
      });
    return { qty, reports };
  });

const submitting = (qty: number): OrderState => ({ ...newOrderState(qty), status: 'SUBMITTING' });

describe('order state machine', () => {
  it('makes only table transitions, absorbs terminal states and never shrinks filled quantity (10,000 random sequences)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 250 }), fc.array(anyInput, { maxLength: 40 }), (qty, inputs) => {
        let state = newOrderState(qty);
        for (const input of inputs) {
          const step = applyOrderInput(state, input);
          if (isTerminal(state.status)) expect(step.changed).toBe(false);
          if (step.changed && step.from !== step.to)
            expect(ALLOWED_TRANSITIONS[step.from]).toContain(step.to);
          expect(step.state.filledQty).toBeGreaterThanOrEqual(state.filledQty);
          expect(step.state.filledQty).toBeLessThanOrEqual(step.state.quantity);
          if (step.state.status === 'FILLED') expect(step.state.filledQty).toBe(step.state.quantity);
          state = step.state;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('applies a broker history in any order and with repeats to the same final state (10,000 shuffles)', () => {
    fc.assert(
      fc.property(
        brokerHistory.chain(({ qty, reports }) =>
          fc.record({
            qty: fc.constant(qty),
            reports: fc.constant(reports),
            shuffled: fc.shuffledSubarray([...reports, ...reports], { minLength: reports.length * 2 }),
          }),
        ),
        ({ qty, reports, shuffled }) => {
          const inOrder = foldOrderInputs(submitting(qty), reports).state;
          const anyOrder = foldOrderInputs(submitting(qty), shuffled).state;
          expect(anyOrder).toEqual(inOrder);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('treats a repeated input as a no-op the second time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 250 }),
        fc.array(anyInput, { maxLength: 20 }),
        anyInput,
        (qty, prefix, input) => {
          const base = foldOrderInputs(newOrderState(qty), prefix).state;
          const once = applyOrderInput(base, input).state;
          const twice = applyOrderInput(once, input);
          if (input.type === 'BROKER_REPORT') expect(twice.changed).toBe(false);
          expect(twice.state.filledQty).toBe(once.filledQty);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('walks the happy path of a partially filled limit order', () => {
    const { state, transitions } = foldOrderInputs(newOrderState(10), [
      { type: 'QUEUE' },
      { type: 'CLAIM' },
      { type: 'BROKER_REPORT', status: 'OPEN', filledQty: 0, avgPricePaise: 0 },
      { type: 'BROKER_REPORT', status: 'PARTIALLY_FILLED', filledQty: 4, avgPricePaise: 10_050 },
      { type: 'BROKER_REPORT', status: 'FILLED', filledQty: 10, avgPricePaise: 10_020 },
    ]);
    expect(state).toEqual({ status: 'FILLED', quantity: 10, filledQty: 10, avgPricePaise: 10_020 });
    expect(transitions).toEqual([
      ['NEW', 'QUEUED'],
      ['QUEUED', 'SUBMITTING'],
      ['SUBMITTING', 'OPEN'],
      ['OPEN', 'PARTIALLY_FILLED'],
      ['PARTIALLY_FILLED', 'FILLED'],
    ]);
  });

  it('cancels a queued order without the broker but a resting one only through CANCEL_PENDING', () => {
    expect(
      foldOrderInputs(newOrderState(5), [{ type: 'QUEUE' }, { type: 'CANCEL_REQUEST' }]).state.status,
    ).toBe('CANCELLED');
    const resting = foldOrderInputs(submitting(5), [
      { type: 'BROKER_REPORT', status: 'OPEN', filledQty: 0, avgPricePaise: 0 },
      { type: 'CANCEL_REQUEST' },
    ]);
    expect(resting.state.status).toBe('CANCEL_PENDING');
    expect(applyOrderInput(resting.state, { type: 'CANCEL_REJECTED' }).state.status).toBe('OPEN');
    expect(
      applyOrderInput(resting.state, {
        type: 'BROKER_REPORT',
        status: 'OPEN',
        filledQty: 0,
        avgPricePaise: 0,
      }).state.status,
    ).toBe('CANCEL_PENDING');
  });

  it('refuses to cancel an order whose broker fate is unknown, and resolves it only from the broker', () => {
    const unknown = foldOrderInputs(submitting(5), [{ type: 'AMBIGUOUS', reason: 'timeout' }]).state;
    expect(unknown.status).toBe('UNKNOWN');
    expect(applyOrderInput(unknown, { type: 'CANCEL_REQUEST' }).changed).toBe(false);
    expect(applyOrderInput(unknown, { type: 'CLAIM' }).changed).toBe(false);
    expect(
      applyOrderInput(unknown, { type: 'BROKER_REPORT', status: 'FILLED', filledQty: 5, avgPricePaise: 100 })
        .state.status,
    ).toBe('FILLED');
  });
});
