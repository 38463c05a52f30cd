import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { Role } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { AlertStore, type AlertPage } from './alert-store';
import { AlertPageDto, ListAlertsQueryDto } from './alerts.dto';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly store: AlertStore) {}

  @Get()
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Alert history, newest first (paged; filter by severity, key, since)' })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiBadRequestResponse({ description: 'Invalid paging or filter', type: ErrorResponseDto })
  list(@Query() q: ListAlertsQueryDto): Promise<AlertPage> {
    return this.store.list(q);
  }
}
