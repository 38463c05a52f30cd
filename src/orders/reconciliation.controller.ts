import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { Role } from '@/auth/role.enum';
import { OrdersRuntime } from './orders.runtime';

@ApiTags('orders')
@Controller('reconciliation')
export class ReconciliationController {
  constructor(private readonly runtime: OrdersRuntime) {}

  @Get('last')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'The last reconciliation against the broker, with its readable differences' })
  @ApiOkResponse({ description: 'The report, or null before the first run' })
  last() {
    return this.runtime.reconciler.lastPersisted();
  }
}
