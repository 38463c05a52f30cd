import { Column, Entity, Index, PrimaryColumn, Unique, type ValueTransformer } from 'typeorm';

const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/** The broker's instrument master (refreshed daily), keyed by exchange + token; `symbol` is `EXCHANGE:TRADINGSYMBOL`. */
@Entity('instruments')
@Unique('UQ_instruments_symbol', ['symbol'])
@Index('IDX_instruments_trading_symbol', ['tradingSymbol'])
export class InstrumentEntity {
  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_instruments' })
  exchange!: string;

  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_instruments' })
  token!: string;

  @Column({ type: 'varchar', length: 80 })
  symbol!: string;

  @Column({ name: 'trading_symbol', type: 'varchar', length: 64 })
  tradingSymbol!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'instrument_type', type: 'varchar', length: 16 })
  instrumentType!: string;

  @Column({ type: 'date', nullable: true })
  expiry!: string | null;

  @Column({ name: 'strike_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  strikePaise!: number | null;

  @Column({ name: 'option_type', type: 'varchar', length: 2, nullable: true })
  optionType!: string | null;

  @Column({ name: 'lot_size', type: 'integer' })
  lotSize!: number;

  @Column({ name: 'tick_size_paise', type: 'bigint', transformer: bigintNumber })
  tickSizePaise!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
