import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import {
  CancelAllDto,
  CancelAllResultDto,
  ListOrdersQueryDto,
  ModifyOrderDto,
  OrderDto,
  OrderPageDto,
  OrderWithEventsDto,
  PlaceOrderDto,
} from './orders.dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(202)
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary:
      'Place an order (idempotent on clientOrderId); a risk refusal is the order in RISK_REJECTED with its reason code',
  })
  @ApiAcceptedResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({
    description: 'The order store is unreachable: nothing was accepted',
    type: ErrorResponseDto,
  })
  place(@CurrentUser() user: AuthUser, @Body() dto: PlaceOrderDto) {
    return this.orders.place(user, dto);
  }

  @Get()
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'List orders, newest first (own orders; admins see all)' })
  @ApiOkResponse({ type: OrderPageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: ListOrdersQueryDto) {
    return this.orders.list(user, q);
  }

  @Post('cancel-all')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Cancel every open order (own orders; admins all)' })
  @ApiOkResponse({ type: CancelAllResultDto })
  cancelAll(@CurrentUser() user: AuthUser, @Body() dto: CancelAllDto) {
    return this.orders.cancelAll(user, dto);
  }

  @Get(':id')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'One order with its event history' })
  @ApiOkResponse({ type: OrderWithEventsDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.orders.get(user, id);
  }

  @Patch(':id')
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Modify a resting order (quantity, price, trigger price)' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({
    description: 'Invalid values (a slice never above its freeze quantity), naming the field',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    description:
      'The order is not in a modifiable state, or it was split into slices above the freeze quantity (reason SLICED: cancel it and place it again)',
    type: ErrorResponseDto,
  })
  modify(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ModifyOrderDto) {
    return this.orders.modify(user, id, dto);
  }

  @Delete(':id')
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary:
      'Cancel an order (queued: at once; resting: through the broker). An order split into slices above the freeze quantity is cancelled whole: every live slice',
  })
  @ApiOkResponse({
    description: 'The order after the cancel, as GET /orders/{id} shows it (a sliced order sums its slices)',
    type: OrderWithEventsDto,
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    description:
      'Terminal, or placement still in flight or unknown (for a sliced order: the slices not cancelled are named, the others were cancelled)',
    type: ErrorResponseDto,
  })
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.orders.cancel(user, id);
  }
}
