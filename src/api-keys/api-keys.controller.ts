import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import type { AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api-keys')
@Authenticated()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a bot; the key is shown only in this answer' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List your API keys (admins: all keys); keys themselves are never shown again' })
  list(@CurrentUser() user: AuthUser): Promise<ApiKeyDto[]> {
    return this.keys.list(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  revoke(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.keys.revoke(user, id);
  }
}
