import { PageQueryDto } from '@/common/page-query.dto';
import { IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class AuditQueryDto extends PageQueryDto {
  /** Exact action name, e.g. `auth.login.failure`. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** ISO-8601 start (inclusive). */
  @IsOptional()
  @IsDateString()
  from?: string;

  /** ISO-8601 end (exclusive). */
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class AuditEntryDto {
  id!: string;
  at!: string;
  actorId!: string | null;
  actorName!: string | null;
  action!: string;
  target!: string | null;
  details!: Record<string, unknown>;
  ip!: string | null;
  hash!: string;
}

export class AuditPageDto {
  items!: AuditEntryDto[];
  total!: number;
  page!: number;
  pageSize!: number;
}

export class AuditVerifyDto {
  ok!: boolean;
  /** Rows checked before the first break (or all rows). */
  checked!: number;
  /** The id of the first row whose hash or link is wrong. */
  firstBrokenId?: string;
  reason?: string;
}
