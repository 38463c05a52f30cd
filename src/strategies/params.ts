/**
 * Strategy parameter schemas: one DTO class per strategy, written once and used for validation on
 * create, for the parameter description served by `GET /strategies/types`, and for Swagger.
 *
 * Decorate each property with `@NumberParam`, `@BooleanParam` or `@ChoiceParam`; the property's
 * initialiser is its default. Plain-JS user modules build the same class with `defineParams({...})`.
 */
import 'reflect-metadata';
import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, Max, Min, validateSync } from 'class-validator';
import type { ParamProblem, ParamsClass } from '@/strategies/strategy.contract';

export type ParamKind = 'integer' | 'number' | 'boolean' | 'choice';

export interface ParamDescription {
  name: string;
  kind: ParamKind;
  description: string;
  default: number | boolean | string;
  min?: number;
  max?: number;
  choices?: readonly string[];
}

type ParamSpec = Omit<ParamDescription, 'name' | 'default'>;

const SPECS = Symbol.for('trading-bot.strategy.params');

function addSpec(target: object, name: string, spec: ParamSpec): void {
  const ctor = target.constructor as unknown as Record<symbol, Map<string, ParamSpec> | undefined>;
  // Copy the parent's map so a subclass adding a parameter never mutates its base schema.
  const own = Object.prototype.hasOwnProperty.call(ctor, SPECS) ? ctor[SPECS]! : new Map(ctor[SPECS] ?? []);
  own.set(name, spec);
  Object.defineProperty(ctor, SPECS, { value: own, configurable: true });
}

function specsOf(schema: ParamsClass): Map<string, ParamSpec> {
  return (schema as unknown as Record<symbol, Map<string, ParamSpec> | undefined>)[SPECS] ?? new Map();
}

export interface NumberParamOptions {
  description: string;
  min: number;
  max: number;
  /** Whole numbers only (periods, tick counts). */
  integer?: boolean;
}

export function NumberParam(opts: NumberParamOptions): PropertyDecorator {
  return (target, key) => {
    const name = String(key);
    addSpec(target, name, {
      kind: opts.integer ? 'integer' : 'number',
      description: opts.description,
      min: opts.min,
      max: opts.max,
    });
    (opts.integer ? IsInt() : IsNumber({ allowNaN: false, allowInfinity: false }))(target, key);
    Min(opts.min)(target, key);
    Max(opts.max)(target, key);
    ApiProperty({
      type: opts.integer ? 'integer' : 'number',
      description: opts.description,
      minimum: opts.min,
      maximum: opts.max,
    })(target, key);
  };
}

export function BooleanParam(opts: { description: string }): PropertyDecorator {
  return (target, key) => {
    addSpec(target, String(key), { kind: 'boolean', description: opts.description });
    IsBoolean()(target, key);
    ApiProperty({ type: 'boolean', description: opts.description })(target, key);
  };
}

export function ChoiceParam(opts: { description: string; choices: readonly string[] }): PropertyDecorator {
  return (target, key) => {
    addSpec(target, String(key), { kind: 'choice', description: opts.description, choices: opts.choices });
    IsIn([...opts.choices])(target, key);
    ApiProperty({ enum: [...opts.choices], description: opts.description })(target, key);
  };
}

export type ParamDefinition =
  | ({ kind: 'integer' | 'number'; default: number } & Omit<NumberParamOptions, 'integer'>)
  | { kind: 'boolean'; default: boolean; description: string }
  | { kind: 'choice'; default: string; description: string; choices: readonly string[] };

/** Build a parameter DTO class without decorator syntax (for plain-JS strategy modules). */
export function defineParams(
  defs: Record<string, ParamDefinition>,
): ParamsClass<Record<string, number | boolean | string>> {
  class DefinedParams {
    constructor() {
      for (const [name, def] of Object.entries(defs)) (this as Record<string, unknown>)[name] = def.default;
    }
  }
  for (const [name, def] of Object.entries(defs)) {
    const proto = DefinedParams.prototype;
    switch (def.kind) {
      case 'integer':
      case 'number':
        NumberParam({ ...def, integer: def.kind === 'integer' })(proto, name);
        break;
      case 'boolean':
        BooleanParam(def)(proto, name);
        break;
      case 'choice':
        ChoiceParam(def)(proto, name);
        break;
    }
  }
  return DefinedParams as unknown as ParamsClass<Record<string, number | boolean | string>>;
}

/** The schema as served by the API: name, kind, bounds, default and description of each parameter. */
export function describeParams(schema: ParamsClass): ParamDescription[] {
  const defaults = new schema() as Record<string, unknown>;
  return [...specsOf(schema)].map(([name, spec]) => ({
    name,
    ...spec,
    default: defaults[name] as ParamDescription['default'],
  }));
}

export type ParamsOutcome<P> = { ok: true; params: P } | { ok: false; problems: ParamProblem[] };

/**
 * Merge raw values over the defaults and validate. Numeric and boolean strings (from the CLI's
 * `--param fast=20` or query strings) are converted; unknown names are refused, not ignored, because a
 * misspelt parameter silently falling back to its default is how a user trades the wrong strategy.
 */
export function resolveParams<P extends object>(
  schema: ParamsClass<P>,
  raw: Record<string, unknown> = {},
): ParamsOutcome<P> {
  const specs = specsOf(schema);
  const params = new schema() as Record<string, unknown>;
  const problems: ParamProblem[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.get(name);
    if (!spec) {
      problems.push({
        param: name,
        message: `unknown parameter '${name}' (known: ${[...specs.keys()].join(', ') || 'none'})`,
      });
      continue;
    }
    params[name] = coerce(spec.kind, value);
  }
  for (const err of validateSync(params, { forbidUnknownValues: false })) {
    const spec = specs.get(err.property);
    const bounds = spec?.min !== undefined ? ` (allowed ${spec.min}..${spec.max})` : '';
    const detail = Object.values(err.constraints ?? {}).join('; ');
    problems.push({
      param: err.property,
      message: `parameter '${err.property}' is invalid: ${detail}${bounds}`,
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, params: params as P };
}

function coerce(kind: ParamKind, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if ((kind === 'integer' || kind === 'number') && text !== '' && Number.isFinite(Number(text)))
    return Number(text);
  if (kind === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return value;
}
