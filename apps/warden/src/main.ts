import 'reflect-metadata';
import { runApp } from '#warden/http-kit';
import { wardenApp } from './warden.app.js';

await runApp(wardenApp);
