import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsRupees, IsSymbol } from '@/common/validation';
import { ORDER_STATUSES, type OrderStatus } from './order-state';

export class PlaceOrderDto {
  @ApiProperty({ example: 'NSE:SBIN-EQ' })
  @IsSymbol()
  symbol!: string;

  @ApiProperty({ enum: ['BUY', 'SELL'] })
  @IsIn(['BUY', 'SELL'])
  side!: 'BUY' | 'SELL';

  @ApiProperty({ example: 10, description: 'Units; F&O quantities are lot multiples' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  quantity!: number;

  @ApiProperty({ enum: ['MARKET', 'LIMIT', 'SL', 'SL-M'] })
  @IsIn(['MARKET', 'LIMIT', 'SL', 'SL-M'])
  type!: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';

  @ApiProperty({ enum: ['INTRADAY', 'DELIVERY', 'CARRYFORWARD'] })
  @IsIn(['INTRADAY', 'DELIVERY', 'CARRYFORWARD'])
  product!: 'INTRADAY' | 'DELIVERY' | 'CARRYFORWARD';

  @ApiPropertyOptional({
    example: '512.35',
    description: 'Limit price in rupees (LIMIT, SL)',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  })
  @IsOptional()
  @IsRupees()
  price?: string | number;

  @ApiPropertyOptional({
    example: '510.00',
    description: 'Trigger price in rupees (SL, SL-M)',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  })
  @IsOptional()
  @IsRupees()
  triggerPrice?: string | number;

  @ApiPropertyOptional({ enum: ['DAY', 'IOC'], default: 'DAY' })
  @IsOptional()
  @IsIn(['DAY', 'IOC'])
  validity?: 'DAY' | 'IOC';

  @ApiPropertyOptional({ description: 'Idempotency key: a repeat returns the existing order', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'clientOrderId may hold letters, digits and _ . : - only' })
  clientOrderId?: string;

  @ApiPropertyOptional({
    description: 'Bracket: protective stop price in rupees',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  })
  @IsOptional()
  @IsRupees()
  stopLoss?: string | number;

  @ApiPropertyOptional({
    description: 'Bracket: target price in rupees',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  })
  @IsOptional()
  @IsRupees()
  takeProfit?: string | number;

  @ApiPropertyOptional({
    description: 'Trailing stop distance in rupees',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  })
  @IsOptional()
  @IsRupees()
  trailingStop?: string | number;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  strategyId?: string;
}

export class ModifyOrderDto {
  @ApiPropertyOptional({ example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  quantity?: number;

  @ApiPropertyOptional({ example: '511.00', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @IsRupees()
  price?: string | number;

  @ApiPropertyOptional({ example: '509.50', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @IsRupees()
  triggerPrice?: string | number;
}

export class ListOrdersQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ example: 'NSE:SBIN-EQ' })
  @IsOptional()
  @IsSymbol()
  symbol?: string;

  @ApiPropertyOptional({ description: 'Strategy id' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  strategy?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class CancelAllDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class OrderDto {
  @ApiProperty() id!: string;
  @ApiProperty() clientOrderId!: string;
  @ApiProperty({ description: 'Broker ordertag (<=20 chars)' }) ordertag!: string;
  @ApiProperty({ nullable: true, type: String }) brokerOrderId!: string | null;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ enum: ['MARKET', 'LIMIT', 'SL', 'SL-M'] }) type!: string;
  @ApiProperty({ enum: ['INTRADAY', 'DELIVERY', 'CARRYFORWARD'] }) product!: string;
  @ApiProperty({ enum: ['DAY', 'IOC'] }) validity!: string;
  @ApiProperty({ nullable: true, type: String, example: '512.35' }) price!: string | null;
  @ApiProperty({ nullable: true, type: String }) triggerPrice!: string | null;
  @ApiProperty({ nullable: true, type: String }) stopLoss!: string | null;
  @ApiProperty({ nullable: true, type: String }) takeProfit!: string | null;
  @ApiProperty({ nullable: true, type: String }) trailingStop!: string | null;
  @ApiProperty() filledQuantity!: number;
  @ApiProperty({ example: '512.10' }) averagePrice!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String, example: 'MAX_POSITION_SIZE' }) reasonCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) reasonMessage!: string | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'Routing decisions: exchange, protection band, slices',
  })
  routing!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) strategyId!: string | null;
  @ApiProperty({ enum: ['API', 'STRATEGY', 'SYSTEM', 'EXTERNAL'] }) origin!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class OrderEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['API', 'STRATEGY', 'BROKER', 'RECONCILIATION', 'RISK', 'WORKER', 'SYSTEM'] })
  source!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ nullable: true, type: String }) fromStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus!: string | null;
  @ApiProperty({ nullable: true, type: Object }) details!: Record<string, unknown> | null;
  @ApiProperty() at!: string;
}

export class OrderWithEventsDto extends OrderDto {
  @ApiProperty({ type: [OrderEventDto] }) events!: OrderEventDto[];
  /**
   * Present when the order was split above the exchange's freeze quantity: every slice (this order
   * first). The order's own status, quantity, filledQuantity and averagePrice then sum the slices.
   */
  @ApiProperty({ type: [OrderDto], required: false }) slices?: OrderDto[];
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) items!: OrderDto[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}

export class CancelAllResultDto {
  @ApiProperty() cancelled!: number;
  @ApiProperty({ description: 'Cancel sent, awaiting the broker' }) pending!: number;
  @ApiProperty({ type: [Object] }) failed!: { id: string; error: string }[];
}
