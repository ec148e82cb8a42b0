import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { AdminController } from './admin.controller';
import { ScenarioStore } from './scenario.store';

@Module({ imports: [NotificationsModule], controllers: [AdminController], providers: [ScenarioStore], exports: [ScenarioStore] })
export class ScenariosModule {}
