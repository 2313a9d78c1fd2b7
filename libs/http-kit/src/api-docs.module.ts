import { Module } from '@nestjs/common';
import { ApiDocsController } from './api-docs.controller.js';

/** Serves Warden's OpenAPI document at `/docs`. Import it in each app that serves an HTTP API. */
@Module({ controllers: [ApiDocsController] })
export class ApiDocsModule {}
