import 'reflect-metadata';
import { runApp } from '#warden/runtime';
import { auditApp } from './audit.app.js';

await runApp(auditApp);
