import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error body every route answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code!: string;

  @ApiProperty({ example: 'quantity must be a positive integer' })
  message!: string;

  @ApiPropertyOptional({ description: 'Structured detail, such as the failing fields' })
  details?: unknown;

  @ApiProperty({ example: 'b3c1f0d2-...' })
  requestId!: string;
}
