import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import {
  CreateStrategyDto,
  StrategyInstanceDto,
  StrategyTypesDto,
  UpdateStrategyDto,
} from './strategies.dto';
import { StrategiesService } from './strategies.service';

@ApiTags('strategies')
@Controller('strategies')
export class StrategiesController {
  constructor(private readonly strategies: StrategiesService) {}

  @Get('types')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary:
      'Strategy types (built-in and user modules) with their parameter schemas, and modules that failed to load',
  })
  @ApiOkResponse({ type: StrategyTypesDto })
  types() {
    return this.strategies.types();
  }

  @Post()
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary: "Create a strategy instance (stopped); parameters are validated against the type's schema",
  })
  @ApiCreatedResponse({ type: StrategyInstanceDto })
  @ApiBadRequestResponse({
    description: 'Unknown type, or a parameter out of bounds (the message names it)',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({ description: 'You already have an instance with this name', type: ErrorResponseDto })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateStrategyDto) {
    return this.strategies.create(user, dto);
  }

  @Get()
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'List strategy instances with status and metrics' })
  @ApiOkResponse({ type: [StrategyInstanceDto] })
  list() {
    return this.strategies.list();
  }

  @Get(':id')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary: 'One strategy instance: status, error and metrics (signals, trades, P&L, win rate, Sharpe)',
  })
  @ApiOkResponse({ type: StrategyInstanceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.strategies.get(id);
  }

  @Patch(':id')
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary: 'Change name, symbols, timeframe or parameters; a running instance restarts with them',
  })
  @ApiOkResponse({ type: StrategyInstanceDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateStrategyDto,
  ) {
    return this.strategies.update(user, id, dto);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Start (or restart an errored) instance: warm-up from stored candles, then live' })
  @ApiOkResponse({ type: StrategyInstanceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  start(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.strategies.start(user, id);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({
    summary: 'Stop an instance (open positions stay; exit them through orders or the kill switch)',
  })
  @ApiOkResponse({ type: StrategyInstanceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  stop(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.strategies.stop(user, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Delete an instance (stopping it first)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.strategies.remove(user, id);
  }
}
