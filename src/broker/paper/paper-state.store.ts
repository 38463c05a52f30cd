/**
 * The paper book in Redis, one JSON document under one key. Redis (not PostgreSQL) because the book is
 * a simulation's scratch state, rewritten whole after every change; a malformed document is refused
 * rather than replaced by an empty book, so a restart never silently forgets positions.
 */
import type { PaperBookState } from './paper-book';
import type { PaperStateStore } from './paper-gateway';

export interface KeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export class RedisPaperStateStore implements PaperStateStore {
  constructor(
    private readonly redis: KeyValue,
    private readonly key: string,
  ) {}

  async load(): Promise<PaperBookState | null> {
    const text = await this.redis.get(this.key);
    if (text === null) return null;
    const state = JSON.parse(text) as Partial<PaperBookState>;
    if (
      state.version !== 1 ||
      !Array.isArray(state.orders) ||
      !state.ledger ||
      !Number.isSafeInteger(state.nextId)
    )
      throw new Error(`${this.key} does not hold a paper book (version 1)`);
    return state as PaperBookState;
  }

  async save(state: PaperBookState): Promise<void> {
    await this.redis.set(this.key, JSON.stringify(state));
  }
}
