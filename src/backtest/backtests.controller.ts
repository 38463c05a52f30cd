import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { BacktestRunsService } from '@/backtest/backtest-runs.service';
import {
  BacktestRunDto,
  EquityDto,
  RunAcceptedDto,
  RunPageDto,
  TradePageDto,
} from '@/backtest/backtest-results.dto';
import {
  BacktestCsvQueryDto,
  CreateBacktestDto,
  RunListQueryDto,
  TradeListQueryDto,
} from '@/backtest/backtests.dto';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('backtests')
@Controller('backtests')
@ApiNotFoundResponse({ description: 'No such run visible to you', type: ErrorResponseDto })
export class BacktestsController {
  constructor(private readonly runs: BacktestRunsService) {}

  @Post()
  @HttpCode(202)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Queue a backtest over stored candles (from/to) or your own CSV (csv field)' })
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  @ApiBadRequestResponse({
    description:
      'Unknown strategy, parameter out of bounds (named), bad CSV (line and reason), no candle source',
    type: ErrorResponseDto,
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateBacktestDto): Promise<RunAcceptedDto> {
    return this.runs.createBacktest(user, dto);
  }

  @Post('csv')
  @HttpCode(202)
  @Authenticated(Role.Trader)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'timestamp,open,high,low,close,volume\n...' } })
  @ApiOperation({ summary: 'Queue a backtest over a CSV body (timestamp,open,high,low,close,volume)' })
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  @ApiBadRequestResponse({ description: 'Bad CSV (line and reason) or settings', type: ErrorResponseDto })
  createFromCsv(
    @CurrentUser() user: AuthUser,
    @Query() q: BacktestCsvQueryDto,
    @Body() body: unknown,
  ): Promise<RunAcceptedDto> {
    return this.runs.createBacktestFromCsv(user, q, body);
  }

  @Get()
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Your backtests (all users for admins), newest first' })
  @ApiOkResponse({ type: RunPageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(user, 'backtest', q);
  }

  @Get(':id')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Status, progress and (once completed) metrics of a backtest' })
  @ApiOkResponse({ type: BacktestRunDto })
  get(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BacktestRunDto> {
    return this.runs.get(user, id);
  }

  @Get(':id/trades')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'The trade list (rupees), paged' })
  @ApiOkResponse({ type: TradePageDto })
  @ApiConflictResponse({ description: 'Not completed yet', type: ErrorResponseDto })
  trades(
    @CurrentUser() user: AuthUser,
    @Param('id', uuid) id: string,
    @Query() q: TradeListQueryDto,
  ): Promise<TradePageDto> {
    return this.runs.trades(user, id, q);
  }

  @Get(':id/equity')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Equity and drawdown curve (at most 5000 points)' })
  @ApiOkResponse({ type: EquityDto })
  @ApiConflictResponse({ description: 'Not completed yet', type: ErrorResponseDto })
  equity(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<EquityDto> {
    return this.runs.equity(user, id);
  }

  @Get(':id/report')
  @Authenticated(Role.Viewer)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Self-contained HTML report: metrics, equity and drawdown charts, trades' })
  @ApiOkResponse({ description: 'HTML page', schema: { type: 'string' } })
  @ApiConflictResponse({ description: 'Not completed yet', type: ErrorResponseDto })
  report(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<string> {
    return this.runs.report(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Cancel a queued or running backtest' })
  @ApiOkResponse({ type: BacktestRunDto })
  @ApiConflictResponse({ description: 'Already finished', type: ErrorResponseDto })
  cancel(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BacktestRunDto> {
    return this.runs.cancel(user, 'backtest', id);
  }

  @Delete(':id')
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Same as POST /backtests/{id}/cancel' })
  @ApiOkResponse({ type: BacktestRunDto })
  @ApiConflictResponse({ description: 'Already finished', type: ErrorResponseDto })
  remove(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BacktestRunDto> {
    return this.runs.cancel(user, 'backtest', id);
  }
}
