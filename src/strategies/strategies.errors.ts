import { HttpStatus } from '@nestjs/common';
import { AppError } from '@/common/errors';
import type { ParamProblem } from '@/strategies/strategy.contract';

export enum StrategiesErrorCode {
  NotFound = 'STRATEGY_NOT_FOUND',
  UnknownType = 'STRATEGY_UNKNOWN_TYPE',
  InvalidParams = 'INVALID_STRATEGY_PARAMS',
  NameTaken = 'STRATEGY_NAME_TAKEN',
  NotOwner = 'STRATEGY_NOT_OWNER',
}

export const strategyNotFound = (id: string) =>
  new AppError(StrategiesErrorCode.NotFound, `strategy instance ${id} not found`, HttpStatus.NOT_FOUND, {
    id,
  });

export const unknownStrategyType = (type: string, known: string[]) =>
  new AppError(
    StrategiesErrorCode.UnknownType,
    `unknown strategy type '${type}' (known: ${known.join(', ')})`,
    HttpStatus.BAD_REQUEST,
    {
      problems: [{ param: 'type', message: `unknown strategy type '${type}'` }],
    },
  );

/** 400 whose message names every bad parameter, so the caller sees which one without reading details. */
export const invalidStrategyParams = (problems: ParamProblem[]) =>
  new AppError(
    StrategiesErrorCode.InvalidParams,
    problems.map((p) => p.message).join('; '),
    HttpStatus.BAD_REQUEST,
    { problems },
  );

export const strategyNameTaken = (name: string) =>
  new AppError(
    StrategiesErrorCode.NameTaken,
    `you already have a strategy instance named '${name}'`,
    HttpStatus.CONFLICT,
    { name },
  );

export const notStrategyOwner = (id: string) =>
  new AppError(
    StrategiesErrorCode.NotOwner,
    `strategy instance ${id} belongs to another user`,
    HttpStatus.FORBIDDEN,
    { id },
  );
