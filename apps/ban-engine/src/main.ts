import 'reflect-metadata';
import { runApp } from '#warden/http-kit';
import { banEngineApp } from './ban-engine.app.js';

await runApp(banEngineApp);
