import 'reflect-metadata';
import { runApp } from '#warden/http-kit';
import { auditApp } from './audit.app.js';

await runApp(auditApp);
