import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { Role } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import {
  BackfillRequestDto,
  CandleExportQueryDto,
  CandleImportQueryDto,
  CandleQueryDto,
  InstrumentSearchDto,
  QuoteQueryDto,
  SymbolQueryDto,
} from './market-data.dto';
import { MarketDataService } from './market-data.service';

/** Prices are integer paise (`*Paise`), times epoch ms UTC. Live streams: the `/ws` WebSocket (docs/websocket.md). */
@ApiTags('market-data')
@ApiNotFoundResponse({ description: 'Unknown symbol (named in the message)', type: ErrorResponseDto })
@ApiBadRequestResponse({ description: 'Bad interval, range or parameters', type: ErrorResponseDto })
@Controller()
export class MarketDataController {
  constructor(private readonly svc: MarketDataService) {}

  @Get('instruments')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Search instruments by symbol or name, filtered by exchange and type (paged)' })
  search(@Query() q: InstrumentSearchDto) {
    return this.svc.searchInstruments(q);
  }

  @Get('instruments/:symbol')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'One instrument by platform symbol, e.g. NSE:SBIN-EQ' })
  instrument(@Param('symbol') symbol: string) {
    return this.svc.instrument(symbol);
  }

  @Get('market/quote')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary: 'Latest quotes (from the live feed cache, else the broker quote API), stale flag included',
  })
  quote(@Query() q: QuoteQueryDto) {
    return this.svc.quotes(q.symbols);
  }

  @Get('market/depth')
  @Authenticated(Role.Viewer)
  @ApiOperation({ summary: 'Five-level market depth from the live feed' })
  depth(@Query() q: SymbolQueryDto) {
    return this.svc.depth(q.symbol);
  }

  @Get('market/candles')
  @Authenticated(Role.Viewer)
  @ApiOperation({
    summary:
      'Stored candles in [from, to), oldest first, paged by nextFrom; the range is limited per interval',
  })
  candles(@Query() q: CandleQueryDto) {
    return this.svc.candlePage(q);
  }

  @Get('market/candles/export')
  @Authenticated(Role.Viewer)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'Stored candles as CSV: timestamp (IST, with offset),open,high,low,close (rupees),volume',
  })
  exportCandles(@Query() q: CandleExportQueryDto) {
    return this.svc.exportCsv(q);
  }

  @Post('market/candles/import')
  @HttpCode(200)
  @Authenticated(Role.Admin)
  @ApiConsumes('text/csv')
  @ApiOperation({
    summary:
      'Import candles from a CSV body (timestamp,open,high,low,close,volume); idempotent, conflicts reported',
  })
  importCandles(@Query() q: CandleImportQueryDto, @Body() body: unknown) {
    return this.svc.importCsv(q, body);
  }

  @Post('market/backfill')
  @HttpCode(202)
  @Authenticated(Role.Admin)
  @ApiOperation({
    summary: "Queue a download of the broker's candle history for a range (split per request limits)",
  })
  backfill(@Body() dto: BackfillRequestDto) {
    return this.svc.enqueueBackfill(dto);
  }
}
