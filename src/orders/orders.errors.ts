import { HttpStatus } from '@nestjs/common';
import { AppError } from '@/common/errors';

export enum OrdersErrorCode {
  NotFound = 'ORDER_NOT_FOUND',
  UnknownSymbol = 'ORDER_UNKNOWN_SYMBOL',
  NotCancellable = 'ORDER_NOT_CANCELLABLE',
  NotModifiable = 'ORDER_NOT_MODIFIABLE',
  InvalidOrder = 'ORDER_INVALID',
  StoreUnavailable = 'ORDERS_UNAVAILABLE',
  BrokerRefused = 'ORDER_BROKER_REFUSED',
  BrokerUncertain = 'ORDER_BROKER_UNCERTAIN',
}

export const orderNotFound = (id: string) =>
  new AppError(OrdersErrorCode.NotFound, `order ${id} not found`, HttpStatus.NOT_FOUND, { id });
export const unknownSymbol = (symbol: string) =>
  new AppError(OrdersErrorCode.UnknownSymbol, `unknown symbol ${symbol}`, HttpStatus.BAD_REQUEST, { symbol });
export const invalidOrder = (message: string, details?: unknown) =>
  new AppError(OrdersErrorCode.InvalidOrder, message, HttpStatus.BAD_REQUEST, details);
export const notCancellable = (status: string) =>
  new AppError(
    OrdersErrorCode.NotCancellable,
    `an order in ${status} cannot be cancelled now`,
    HttpStatus.CONFLICT,
    { status },
  );
export const notModifiable = (status: string) =>
  new AppError(
    OrdersErrorCode.NotModifiable,
    `an order in ${status} cannot be modified`,
    HttpStatus.CONFLICT,
    { status },
  );
/** Fail closed: without a durable record nothing is accepted and nothing reaches the broker. */
export const storeUnavailable = (cause: string) =>
  new AppError(
    OrdersErrorCode.StoreUnavailable,
    'order store unavailable; the order was not accepted',
    HttpStatus.SERVICE_UNAVAILABLE,
    { cause },
  );
