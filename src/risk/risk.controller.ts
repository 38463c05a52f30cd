import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { KillSwitchService } from './kill-switch.service';
import { KillSwitchDto, RejectionsQueryDto, UpdateRiskLimitsDto } from './risk.dto';
import { RiskAdminService } from './risk-admin.service';

@ApiTags('risk')
@Controller('risk')
export class RiskController {
  constructor(
    private readonly admin: RiskAdminService,
    private readonly killSwitch: KillSwitchService,
  ) {}

  @Get('status')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Trading state, limits, breakers, equity, drawdown and day P&L (paise)' })
  status() {
    return this.admin.status();
  }

  @Put('limits')
  @Authenticated(Role.Admin)
  @ApiOperation({ summary: 'Change risk limits (rupees) and breaker switches; audited (admin)' })
  limits(@CurrentUser() user: AuthUser, @Body() dto: UpdateRiskLimitsDto) {
    return this.admin.updateLimits(user, dto);
  }

  @Get('rejections')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary: 'Pre-trade refusals with their reason codes, newest first (own ones; admins all)',
  })
  rejections(@CurrentUser() user: AuthUser, @Query() q: RejectionsQueryDto) {
    return this.admin.rejections(user, q);
  }

  @Post('kill-switch')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary: 'halt (cancel all, optionally flatten), reduce (exits only) or resume (admin); audited',
  })
  kill(@CurrentUser() user: AuthUser, @Body() dto: KillSwitchDto) {
    return this.killSwitch.act(user, dto);
  }
}
