import { Module } from '@nestjs/common';
import { ReadModelRepository } from './read-model.repository';
import { ReadModelService } from './read-model.service';

@Module({ providers: [ReadModelRepository, ReadModelService], exports: [ReadModelService] })
export class ReadModelModule {}
