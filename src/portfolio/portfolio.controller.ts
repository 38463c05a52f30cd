import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { EquityQueryDto, PositionsQueryDto, TradesQueryDto } from './portfolio.dto';
import { PortfolioQueryService } from './portfolio-query.service';

/** Money in responses is rupees as decimal strings. A user sees their own positions; admins the account's. */
@ApiTags('portfolio')
@Controller('portfolio')
export class PortfolioController {
  constructor(private readonly svc: PortfolioQueryService) {}

  @Get('positions')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary:
      'Open positions per instrument (or per strategy with ?strategy=), average cost, P&L at the last tick',
  })
  positions(@CurrentUser() user: AuthUser, @Query() q: PositionsQueryDto) {
    return this.svc.positions(user, q);
  }

  @Get('positions/by-strategy')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Open positions split per strategy and instrument' })
  positionsByStrategy(@CurrentUser() user: AuthUser) {
    return this.svc.positionsByStrategy(user);
  }

  @Get('holdings')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: "Delivery holdings from the broker's demat account" })
  holdings() {
    return this.svc.holdings();
  }

  @Get('funds')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary: "Funds and margins from the broker's RMS (the platform's equity without a broker)",
  })
  funds() {
    return this.svc.funds();
  }

  @Get('pnl')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary:
      'Day P&L net of charges (realised, unrealised, charges), all-time totals and day P&L per strategy',
  })
  pnl(@CurrentUser() user: AuthUser) {
    return this.svc.pnl(user);
  }

  @Get('equity')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Account equity snapshots (one a minute) between from and to' })
  equity(@Query() q: EquityQueryDto) {
    return this.svc.equity(q.from ? new Date(q.from) : undefined, q.to ? new Date(q.to) : undefined);
  }

  @Get('trades')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary: 'Trade journal: every fill with its charges and booked realised P&L, newest first',
  })
  trades(@CurrentUser() user: AuthUser, @Query() q: TradesQueryDto) {
    return this.svc.trades(user, q);
  }
}
