import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { Role } from '@/auth/role.enum';
import { AuditPageDto, AuditQueryDto, AuditVerifyDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
@Authenticated(Role.Admin)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, paged and filtered (admin)' })
  async list(@Query() q: AuditQueryDto): Promise<AuditPageDto> {
    const page = await this.audit.list({
      ...q,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    return { ...page, items: page.items.map((r) => ({ ...r, at: r.at.toISOString() })) };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Walk the hash chain and name the first broken row (admin)' })
  verify(): Promise<AuditVerifyDto> {
    return this.audit.verify();
  }
}
