import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { EventBus } from './event-bus';
import { EventBusBridgeService } from './event-bus-bridge.service';

/**
 * Process-wide services every module may inject: the typed event bus and the clock. The bus is bridged
 * to the other processes of a split deployment through Redis (EventBusBridgeService; needs the global
 * ConfigModule and RedisModule, as the AppModule provides).
 */
@Global()
@Module({
  providers: [EventBus, { provide: Clock, useClass: SystemClock }, EventBusBridgeService],
  exports: [EventBus, Clock],
})
export class CommonModule {}
