import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { BacktestRunsService } from '@/backtest/backtest-runs.service';
import { BacktestRunDto, RunAcceptedDto, RunPageDto } from '@/backtest/backtest-results.dto';
import { RunListQueryDto } from '@/backtest/backtests.dto';
import { CreateOptimizationDto, OptimizationRunDto } from '@/backtest/optimizations.dto';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('backtests')
@Controller('optimizations')
@ApiNotFoundResponse({ description: 'No such run visible to you', type: ErrorResponseDto })
export class OptimizationsController {
  constructor(private readonly runs: BacktestRunsService) {}

  @Post()
  @HttpCode(202)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Queue a grid, random or walk-forward parameter search' })
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  @ApiBadRequestResponse({
    description: 'Unknown strategy, a range value out of bounds (named), too many candidates, bad CSV',
    type: ErrorResponseDto,
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOptimizationDto): Promise<RunAcceptedDto> {
    return this.runs.createOptimization(user, dto);
  }

  @Get()
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Your optimisations (all users for admins), newest first' })
  @ApiOkResponse({ type: RunPageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(user, 'optimization', q);
  }

  @Get(':id')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Status and the ranked table (IS, OOS, degradation) or walk-forward windows' })
  @ApiOkResponse({ type: OptimizationRunDto })
  get(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<OptimizationRunDto> {
    return this.runs.getOptimization(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated(Role.Trader)
  @ApiOperation({ summary: 'Cancel a queued optimisation (a running one is discarded when it ends)' })
  @ApiOkResponse({ type: BacktestRunDto })
  @ApiConflictResponse({ description: 'Already finished', type: ErrorResponseDto })
  cancel(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BacktestRunDto> {
    return this.runs.cancel(user, 'optimization', id);
  }
}
