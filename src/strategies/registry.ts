/**
 * Strategy types by id: the built-ins plus user modules dropped into `STRATEGIES_DIR`.
 *
 * A user module is a plain CommonJS module (`.js`, or `.ts` when the process runs under ts-node) that
 * either exports Strategy subclasses (default or named exports), or exports `register(sdk)` returning
 * one class or an array of them; `sdk` carries the base class, the indicators and the parameter helpers,
 * so a plain-JS module needs no import path into the app. A module that fails to load, or exports
 * nothing usable, is recorded in `loadErrors` and never stops the process.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { BUILTIN_STRATEGIES } from '@/strategies/builtin';
import * as indicators from '@/strategies/indicators';
import {
  BooleanParam,
  ChoiceParam,
  defineParams,
  describeParams,
  NumberParam,
  resolveParams,
  type ParamDescription,
} from '@/strategies/params';
import {
  Strategy,
  type ParamProblem,
  type ParamsClass,
  type StrategyClass,
} from '@/strategies/strategy.contract';

export interface StrategyTypeInfo {
  id: string;
  name: string;
  description: string;
  source: 'builtin' | 'user';
  /** The module file for user strategies. */
  file?: string;
  params: ParamDescription[];
  /** Warm-up bars with the default parameters (it depends on the parameters). */
  defaultWarmupBars: number;
}

export interface StrategyLoadError {
  file: string;
  message: string;
}

export type InstantiateOutcome =
  | { ok: true; strategy: Strategy; params: Record<string, unknown> }
  | { ok: false; code: 'UNKNOWN_STRATEGY_TYPE' | 'INVALID_PARAMS'; problems: ParamProblem[] };

/** What `register(sdk)` receives in a user module. */
export const STRATEGY_SDK = { Strategy, indicators, defineParams, NumberParam, BooleanParam, ChoiceParam };
export type StrategySdk = typeof STRATEGY_SDK;

interface Entry {
  cls: StrategyClass;
  schema: ParamsClass;
  info: StrategyTypeInfo;
}

export class StrategyRegistry {
  private readonly entries = new Map<string, Entry>();
  readonly loadErrors: StrategyLoadError[] = [];

  /** A registry holding the shipped strategies. */
  static withBuiltins(): StrategyRegistry {
    const r = new StrategyRegistry();
    for (const cls of BUILTIN_STRATEGIES) r.register(cls, 'builtin');
    return r;
  }

  /** Throws on an invalid class or a duplicate id: a programming error for built-ins, a load error for user modules. */
  register(cls: StrategyClass, source: 'builtin' | 'user' = 'user', file?: string): StrategyTypeInfo {
    if (typeof cls !== 'function') throw new Error('not a class');
    const schema = schemaOf(cls);
    const probe = new cls(new schema());
    if (!(probe instanceof Strategy) && typeof (probe as Partial<Strategy>).warmupBars !== 'function') {
      throw new Error('exported class does not implement the Strategy contract');
    }
    for (const field of ['id', 'name', 'description'] as const) {
      if (typeof probe[field] !== 'string' || !probe[field])
        throw new Error(`strategy class lacks a string '${field}'`);
    }
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(probe.id))
      throw new Error(`strategy id '${probe.id}' must be lowercase letters, digits and dashes`);
    if (this.entries.has(probe.id)) throw new Error(`strategy id '${probe.id}' is already registered`);
    const info: StrategyTypeInfo = {
      id: probe.id,
      name: probe.name,
      description: probe.description,
      source,
      ...(file ? { file } : {}),
      params: describeParams(schema),
      defaultWarmupBars: probe.warmupBars(),
    };
    this.entries.set(probe.id, { cls, schema, info });
    return info;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): StrategyClass | undefined {
    return this.entries.get(id)?.cls;
  }

  info(id: string): StrategyTypeInfo | undefined {
    return this.entries.get(id)?.info;
  }

  types(): StrategyTypeInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  /** Validate raw parameters (defaults applied, bounds checked, cross-checks run) and build the strategy. */
  instantiate(id: string, raw: Record<string, unknown> = {}): InstantiateOutcome {
    const entry = this.entries.get(id);
    if (!entry) {
      return {
        ok: false,
        code: 'UNKNOWN_STRATEGY_TYPE',
        problems: [
          {
            param: 'type',
            message: `unknown strategy type '${id}' (known: ${[...this.entries.keys()].join(', ')})`,
          },
        ],
      };
    }
    const resolved = resolveParams(entry.schema, raw);
    if (!resolved.ok) return { ok: false, code: 'INVALID_PARAMS', problems: resolved.problems };
    const strategy = new entry.cls(resolved.params);
    const cross = strategy.validateParams?.() ?? [];
    if (cross.length) return { ok: false, code: 'INVALID_PARAMS', problems: cross };
    return { ok: true, strategy, params: { ...resolved.params } };
  }

  /**
   * Load every module in `dir` (non-recursive). Returns the ids registered and the errors found;
   * errors are also kept in `loadErrors` for the API. A missing directory is not an error.
   */
  loadDirectory(dir: string): { loaded: string[]; errors: StrategyLoadError[] } {
    const abs = resolve(dir);
    const loaded: string[] = [];
    const errors: StrategyLoadError[] = [];
    let files: string[];
    try {
      files = readdirSync(abs).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { loaded, errors };
      errors.push({ file: abs, message: `cannot read STRATEGIES_DIR: ${(err as Error).message}` });
      this.loadErrors.push(...errors);
      return { loaded, errors };
    }
    const load = createRequire(join(abs, 'index.js'));
    const tsSupported =
      typeof (load.extensions as Record<string, unknown> | undefined)?.['.ts'] === 'function';
    for (const name of files) {
      const file = join(abs, name);
      const ext = extname(name);
      if (
        name.endsWith('.d.ts') ||
        name.startsWith('.') ||
        (ext !== '.js' && ext !== '.cjs' && ext !== '.ts')
      )
        continue;
      if (!statSync(file).isFile()) continue;
      if (ext === '.ts' && !tsSupported) {
        errors.push({
          file,
          message: 'TypeScript strategy modules load only under ts-node; compile it to .js',
        });
        continue;
      }
      try {
        const classes = classesFrom(load(file));
        if (classes.length === 0)
          throw new Error('module exports no Strategy class (export a class or register(sdk))');
        for (const cls of classes) loaded.push(this.register(cls, 'user', file).id);
      } catch (err) {
        errors.push({ file, message: err instanceof Error ? err.message : String(err) });
      }
    }
    this.loadErrors.push(...errors);
    return { loaded, errors };
  }
}

/**
 * `paramsSchema` is an instance field, so it is read from an instance built with an empty object; this
 * is why strategy constructors only store their params and build state in `onStart`.
 */
function schemaOf(cls: StrategyClass): ParamsClass {
  let schema: unknown;
  try {
    schema = (new cls({}) as Partial<Strategy>).paramsSchema;
  } catch (err) {
    throw new Error(
      `strategy constructor must not use its params (build state in onStart): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (typeof schema !== 'function') throw new Error('strategy class has no paramsSchema class');
  return schema as ParamsClass;
}

function classesFrom(mod: unknown): StrategyClass[] {
  const m = mod as Record<string, unknown> | StrategyClass | null;
  if (m && typeof m === 'object' && typeof m.register === 'function') {
    const out = (m.register as (sdk: StrategySdk) => unknown)(STRATEGY_SDK);
    return (Array.isArray(out) ? out : [out]).filter((c): c is StrategyClass => typeof c === 'function');
  }
  if (typeof m === 'function') return [m];
  if (!m || typeof m !== 'object') return [];
  return Object.values(m).filter((v): v is StrategyClass => typeof v === 'function' && isStrategyClass(v));
}

function isStrategyClass(v: { prototype?: unknown }): boolean {
  const proto = v.prototype as Partial<Strategy> | undefined;
  return (
    !!proto &&
    (proto instanceof Strategy ||
      (typeof proto.warmupBars === 'function' &&
        (typeof proto.onCandle === 'function' || typeof proto.onTick === 'function')))
  );
}
