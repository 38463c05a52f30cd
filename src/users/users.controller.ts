import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthService } from '@/auth/auth.service';
import { Authenticated } from '@/auth/authenticated.decorator';
import { CurrentUser } from '@/auth/current-user.decorator';
import { Role, type AuthUser } from '@/auth/role.enum';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { CreateUserDto, UpdateUserDto, UserDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@Authenticated(Role.Admin)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a user with a role (admin)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'Username taken', type: ErrorResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List users (admin)' })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id') id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a role, disable or enable, or reset the password (admin)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  update(
    @CurrentUser() actor: AuthUser,
    @Param('id') id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(actor, id, dto, (userId) => this.auth.revokeAllForUser(userId));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user (admin); their history is kept' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  disable(@CurrentUser() actor: AuthUser, @Param('id') id: string): Promise<UserDto> {
    return this.users.update(actor, id, { disabled: true }, (userId) => this.auth.revokeAllForUser(userId));
  }
}
