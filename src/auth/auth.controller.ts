import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { LoginDto, LogoutDto, MeDto, RefreshDto, TokenPairDto } from './auth.dto';
import { AuthService } from './auth.service';
import { Authenticated, Public } from './authenticated.decorator';
import { CurrentUser } from './current-user.decorator';
import type { AuthUser } from './role.enum';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password; returns an access and a refresh token' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    description: 'Wrong username or password, or a disabled user',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many attempts for this username or address',
    type: ErrorResponseDto,
  })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenPairDto> {
    return this.auth.login(dto.username, dto.password, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange a refresh token for a new pair (the old one is rotated out; reusing it revokes its family)',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  refresh(@Body() dto: RefreshDto, @Ip() ip: string): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke the current access token, and the given refresh token family' })
  @ApiNoContentResponse()
  logout(@CurrentUser() user: AuthUser, @Body() dto: LogoutDto): Promise<void> {
    return this.auth.logout(user, dto.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The authenticated user' })
  me(@CurrentUser() user: AuthUser): MeDto {
    return { id: user.id, username: user.username, role: user.role, via: user.via };
  }
}
