import { PageQueryDto } from '@/common/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AlertSeverity, AlertStatus } from './alert.types';

const SEVERITIES: AlertSeverity[] = ['info', 'warning', 'critical'];

export class ListAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: AlertSeverity;

  @ApiPropertyOptional({ description: 'Exact alert key, e.g. risk.kill_switch', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  key?: string;

  @ApiPropertyOptional({
    description: 'Only alerts raised at or after this ISO-8601 instant',
    type: String,
    format: 'date-time',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;
}

export class AlertDeliveryDto {
  @ApiProperty({ example: 'webhook' }) channel!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ example: 'webhook hooks.example.com answered HTTP 502' }) error?: string;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'risk.kill_switch' }) key!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty({ example: 'Kill switch engaged (OPERATOR): new orders are blocked' }) title!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ enum: ['sending', 'delivered', 'partial', 'failed', 'rate_limited', 'no_channel'] })
  status!: AlertStatus;
  @ApiProperty({ type: [AlertDeliveryDto] }) deliveries!: AlertDeliveryDto[];
  @ApiProperty({ description: 'Times raised within the de-duplication window (1 = once)' })
  occurrences!: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) resolvedAt!: Date | null;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
