import { Injectable } from '@nestjs/common';
import { AuditService } from '@/audit/audit.service';
import { Role, type AuthUser } from '@/auth/role.enum';
import { limitsPatchFromDto } from './risk-limits.mapper';
import type { RejectionsQueryDto, UpdateRiskLimitsDto } from './risk.dto';
import { RiskService } from './risk.service';

/** The API side of the risk module: status, audited limit changes, rejections scoped to their owner. */
@Injectable()
export class RiskAdminService {
  constructor(
    private readonly risk: RiskService,
    private readonly audit: AuditService,
  ) {}

  status() {
    return this.risk.status();
  }

  async updateLimits(user: AuthUser, dto: UpdateRiskLimitsDto) {
    const before = { limits: this.risk.limits(), breakers: this.risk.breakers() };
    const { breakers, ...limits } = dto;
    const after = await this.risk.updateLimits(limitsPatchFromDto(limits), breakers);
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: 'risk.limits.update',
      target: 'risk',
      details: { request: { ...dto }, before, after },
    });
    return after;
  }

  rejections(user: AuthUser, q: RejectionsQueryDto) {
    return this.risk.listRejections({ ...q, userId: user.role === Role.Admin ? undefined : user.id });
  }
}
