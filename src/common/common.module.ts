import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { EventBus } from './event-bus';

/** Process-wide services every module may inject: the typed event bus and the clock. */
@Global()
@Module({
  providers: [EventBus, { provide: Clock, useClass: SystemClock }],
  exports: [EventBus, Clock],
})
export class CommonModule {}
